// Types for the untyped parts of the `agora-token` package (ISC, Agora's official token builders): the 006
// builder, the legacy SignalingToken and the AccessToken2 internals are plain JavaScript. Used by `sig2rtm token`
// to mint tokens and by the tests; token *verification* never uses it (src/rtm-core/auth is our own).

declare module 'agora-token/src/AccessToken' {
  export class AccessToken {
    constructor(appId: string, appCertificate: string, channelName: string, uid: string | number);
    salt: number;
    ts: number;
    addPriviledge(privilege: number, expireTimestamp: number): void;
    build(): string;
  }
  export const priviledges: { kJoinChannel: number; kRtmLogin: number };
}

declare module 'agora-token/src/RtmTokenBuilder' {
  export const RtmTokenBuilder: {
    buildToken(appId: string, appCertificate: string, account: string, role: number, privilegeExpiredTs: number): string;
  };
}

declare module 'agora-token/src/SignalingToken' {
  const SignalingToken: {
    get(appId: string, appCertificate: string, account: string, validTimeInSeconds: number): string;
  };
  export = SignalingToken;
}

declare module 'agora-token/src/AccessToken2' {
  class Service {
    add_privilege(privilege: number, expire: number): void;
  }
  export class ServiceRtm extends Service {
    constructor(userId: string);
    static kPrivilegeLogin: number;
  }
  export class ServiceChat extends Service {
    constructor(userId: string);
    static kPrivilegeUser: number;
  }
  export class AccessToken2 {
    constructor(appId: string, appCertificate: string, issueTs: number, expire: number);
    salt: number;
    add_service(service: Service): void;
    build(): string;
  }
}

