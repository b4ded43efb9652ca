package io.agora;

import android.content.Context;

/**
 * The legacy "signalling + media" class. sig2rtm carries signalling only: {@link #getInstanceWithKey}
 * gives the same process-wide instance as {@link AgoraAPIOnlySignal#getInstance}, and
 * {@link #channelJoin(String, String)} joins the signalling channel (the media key is for the app's
 * own RTC engine). Apps name {@code AgoraAPI.CallBack}, the adapter inherited from
 * {@link NativeAgoraAPI}, to receive callbacks.
 */
public class AgoraAPI extends AgoraAPIOnlySignal {
  protected AgoraAPI(Context context, String appId) {
    super(context, appId);
  }

  public static AgoraAPI getInstanceWithKey(Context context, String appId) {
    return (AgoraAPI) getInstance(context, appId);
  }

  /** Joins the signalling channel; {@code channelKey} (an RTC media key) is not used by signalling. */
  public void channelJoin(String channelID, String channelKey) {
    channelJoin(channelID);
  }
}
