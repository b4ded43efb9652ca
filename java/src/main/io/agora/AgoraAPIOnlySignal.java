package io.agora;

import android.content.Context;
import io.agora.sig2rtm.Sdk;

/**
 * The legacy signalling-only entry point: {@code AgoraAPIOnlySignal.getInstance(context, appId)}
 * gives the process-wide instance, already running (no {@code start()} needed). Callbacks arrive on
 * the SDK thread {@code AgoraSDKLoop}, one at a time; wrap UI work in {@code runOnUiThread}, as
 * with the legacy SDK. Point it at a sig2rtm server with {@code dbg("lbss", "host:port")} before
 * login (README: "An Android or Java legacy app").
 */
public class AgoraAPIOnlySignal extends NativeAgoraAPI {
  /** Shared with {@link AgoraAPI}'s factories, as in the legacy jar. */
  static AgoraAPIOnlySignal instance;

  private final String appId;

  protected AgoraAPIOnlySignal(Context context, String appId) {
    super(new Sdk());
    this.appId = appId == null ? "" : appId;
  }

  /**
   * The process-wide instance (created on the first call; later calls return it, whatever their
   * arguments). It is an {@link AgoraAPI}, so {@link AgoraAPI#getInstanceWithKey} may follow.
   */
  public static synchronized AgoraAPIOnlySignal getInstance(Context context, String appId) {
    if (instance == null) instance = new AgoraAPI(context, appId);
    return instance;
  }

  /** A new, independent instance with its own session (1.4.x: "multiple instances"). */
  public static AgoraAPIOnlySignal createAgoraSDKInstance(Context context, String appId) {
    return new AgoraAPI(context, appId);
  }

  /** The appId this instance was created with. */
  public String getAppId() {
    return appId;
  }

  /** Ends the session (the user logs out) and stops the SDK thread; getInstance then makes a new one. */
  @Override
  public void destroy() {
    synchronized (AgoraAPIOnlySignal.class) {
      if (instance == this) instance = null;
    }
    super.destroy();
  }

  @Override
  public void destory() {
    destroy();
  }
}
