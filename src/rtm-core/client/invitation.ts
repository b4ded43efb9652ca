export class RemoteInvitation {}
export class LocalInvitation {}
