package io.agora.sig2rtm;

import io.agora.IAgoraAPI;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * One legacy API instance's runtime: a session of the sig2rtm server's legacy gateway
 * (docs/gateway-protocol.md) over one OkHttp WebSocket, and the SDK thread {@code AgoraSDKLoop}.
 *
 * <p>Threading. Every piece of session state below belongs to the SDK thread: app calls (any thread)
 * and socket events (OkHttp's threads) are posted to it, and it delivers every callback to the app,
 * one at a time, in the server's order. An app may call the API from inside a callback: the call is
 * queued behind it. A callback that blocks delays the ones after it (as in the legacy SDK), not
 * the socket's liveness (OkHttp answers pings on its own threads).
 *
 * <p>The session outlives its socket: after a drop the SDK resumes it (the server resends the
 * callbacks this side has not processed; this side resends the calls the server has not taken) and
 * tells the app as the legacy SDK did: {@code onReconnecting(n)} then {@code onReconnected(0)}, or
 * {@code onLogout(102)} when the session could not be resumed within the server's {@code resumeMs}.
 */
public final class Sdk {
  public static final String VERSION = "0.1.0";
  /** getSdkVersion(): legacy 1.4.0's integer form, as the server's legacy engine answers. */
  static final int LEGACY_SDK_VERSION = 1010400000;
  private static final int PROTOCOL = 1;
  /** Connection attempts before a first session is given up (a pending login fails with 201). */
  private static final int FIRST_CONNECT_ATTEMPTS = 3;
  private static final int LOGOUT_E_NET = 102;
  private static final int LOGIN_E_NET = 201;
  private static final int LOGIN_E_OLDVERSION = 205;
  private static final int GENERAL_E_LARGE_PARAM = 1005;
  /** How long destroy() waits for the server to end the session before it stops anyway. */
  private static final long DESTROY_GRACE_MS = 3000;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** A call (or, with a null method, the bye after destroy) until the server acknowledges it. */
  private static final class Pending {
    long seq;
    final String method;
    final JSONArray args;

    Pending(long seq, String method, JSONArray args) {
      this.seq = seq;
      this.method = method;
      this.args = args;
    }
  }

  private final ScheduledExecutorService loop;
  private volatile IAgoraAPI.ICallBack handler;
  private final AtomicInteger status = new AtomicInteger(0);

  private final LinkConfig config = new LinkConfig();

  // ---- SDK thread only ----
  private WebSocket link;
  private long linkId;
  private boolean linkClosed;
  private boolean welcomed;
  private String session;
  private long callSeq;
  private final ArrayDeque<Pending> calls = new ArrayDeque<Pending>();
  private long processed;
  private long lastAcked;
  private boolean ackPosted;
  private int serverStatus;
  private boolean reconnecting;
  private boolean lost;
  private long lostAt;
  private long resumeMs = 30000;
  private int maxFrameBytes = 256 * 1024;
  private int attempt;
  private ScheduledFuture<?> retry;
  private boolean ending;
  private boolean destroyed;

  public Sdk() {
    final int n = INSTANCES.incrementAndGet();
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            new ThreadFactory() {
              @Override
              public Thread newThread(Runnable r) {
                // The legacy jar's loop thread has this name; apps may look for it in traces.
                Thread t = new Thread(r, n == 1 ? "AgoraSDKLoop" : "AgoraSDKLoop-" + n);
                t.setDaemon(false);
                return t;
              }
            });
    executor.setRemoveOnCancelPolicy(true);
    this.loop = executor;
  }

  // ---- local methods (any thread) ----------------------------------------------------------------

  public void callbackSet(IAgoraAPI.ICallBack handler) {
    this.handler = handler;
  }

  public IAgoraAPI.ICallBack callbackGet() {
    return handler;
  }

  /** The SDK thread runs from the instance's creation; start() is kept for legacy callers. */
  public void start() {}

  /** Kept for legacy callers: the SDK thread stops with destroy(). */
  public void stop() {}

  public int isOnline() {
    return status.get() == 2 ? 1 : 0;
  }

  public int getStatus() {
    return status.get();
  }

  public int getSdkVersion() {
    return LEGACY_SDK_VERSION;
  }

  /**
   * Debug keys, as the legacy SDK took them before login: {@code lbss} (or {@code sig2rtm_url}) is
   * the server, as {@code host[:port]} or {@code ws(s)://host:port[/gateway]}; {@code sig2rtm_ca_file}
   * a PEM file of extra trusted certificates for wss://; {@code sig2rtm_ping_ms} the WebSocket ping
   * interval (a link silent for two intervals is dropped and resumed). Other keys ({@code lbs_100},
   * {@code _vid}, {@code _device_id}, ...) are accepted and ignored.
   */
  public void dbg(String a, String b) {
    final String problem = config.dbg(a == null ? "" : a, b == null ? "" : b);
    if (problem != null) post(() -> log("[sig2rtm] " + problem));
  }

  /** A gateway call, from any thread: numbered and sent (or queued until the link is up) on the SDK thread. */
  public void call(final String method, final Object[] args) {
    if (method.equals("login") || method.equals("login2")) status.compareAndSet(0, 1);
    post(() -> takeCall(method, args));
  }

  /** Logs out and ends the session on the server (a destroy call, then bye); then the SDK thread stops. */
  public void destroy() {
    status.set(0);
    post(
        () -> {
          if (destroyed) return;
          destroyed = true;
          if (session == null && calls.isEmpty() && link == null) {
            shutdown();
            return;
          }
          takeCall("destroy", new Object[0]);
          queue(new Pending(++callSeq, null, null));
          schedule(this::shutdown, DESTROY_GRACE_MS);
        });
  }

  // ---- calls (SDK thread) ------------------------------------------------------------------------

  private void takeCall(String method, Object[] args) {
    if (destroyed && !method.equals("destroy")) {
      log("[sig2rtm] " + method + " after destroy() is ignored");
      return;
    }
    JSONArray a = new JSONArray();
    for (Object v : args) a.put(v);
    // A frame over the server's limit would cost the socket (close 1009): refuse it here instead.
    int size = Wire.utf8Length(a.toString()) + method.length() + 64;
    if (size > maxFrameBytes) {
      deliver("onError", json(method, GENERAL_E_LARGE_PARAM, method + ": arguments too large (" + size + " bytes; the server takes frames up to " + maxFrameBytes + ")"));
      return;
    }
    queue(new Pending(++callSeq, method, a));
  }

  private void queue(Pending p) {
    calls.add(p);
    if (welcomed) send(p);
    else if (link == null && retry == null) connect();
  }

  private void send(Pending p) {
    if (link == null) return;
    JSONObject f = Wire.frame(p.method == null ? "bye" : "call");
    if (p.method != null) {
      try {
        f.put("seq", p.seq);
        f.put("m", p.method);
        f.put("a", p.args);
      } catch (JSONException e) {
        throw new IllegalStateException(e);
      }
    } else {
      ending = true;
    }
    link.send(f.toString());
  }

  // ---- the link (SDK thread) ---------------------------------------------------------------------

  private void connect() {
    if (link != null) return;
    final long id = ++linkId;
    linkClosed = false;
    String url = config.serverUrl();
    Request request;
    try {
      request = new Request.Builder().url(url).build();
    } catch (IllegalArgumentException e) {
      log("[sig2rtm] bad server address: " + url + " (use dbg(\"lbss\", \"host:port\") or SIG2RTM_GATEWAY_URL=ws://host:port/gateway)");
      post(() -> closed(id, 1006, "bad address"));
      return;
    }
    OkHttpClient client;
    try {
      client = config.client();
    } catch (Exception e) {
      log("[sig2rtm] cannot set up TLS: " + e);
      post(() -> closed(id, 1006, "bad TLS setup"));
      return;
    }
    link = client.newWebSocket(request, new Listener(id));
  }

  /** OkHttp's events, moved to the SDK thread and tagged with the link they belong to. */
  private final class Listener extends WebSocketListener {
    private final long id;

    Listener(long id) {
      this.id = id;
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      post(() -> opened(id));
    }

    @Override
    public void onMessage(WebSocket ws, final String text) {
      post(() -> received(id, text));
    }

    @Override
    public void onMessage(WebSocket ws, ByteString bytes) {
      post(() -> log("[sig2rtm] binary frame from the gateway ignored"));
    }

    @Override
    public void onClosing(WebSocket ws, final int code, final String reason) {
      ws.close(1000, null);
      post(() -> closed(id, code, reason));
    }

    @Override
    public void onClosed(WebSocket ws, final int code, final String reason) {
      post(() -> closed(id, code, reason));
    }

    @Override
    public void onFailure(WebSocket ws, final Throwable t, Response response) {
      post(() -> closed(id, 1006, String.valueOf(t)));
    }
  }

  private void opened(long id) {
    if (id != linkId || link == null) return;
    JSONObject hello = Wire.frame("hello");
    try {
      hello.put("v", PROTOCOL);
      hello.put("sdk", "java/" + VERSION);
      if (session != null) {
        JSONObject resume = new JSONObject();
        resume.put("session", session);
        resume.put("ack", processed);
        hello.put("resume", resume);
      }
    } catch (JSONException e) {
      throw new IllegalStateException(e);
    }
    link.send(hello.toString());
  }

  private void received(long id, String text) {
    if (id != linkId || link == null) return;
    JSONObject f;
    try {
      f = new JSONObject(text);
    } catch (JSONException e) {
      log("[sig2rtm] gateway frame not understood: " + e.getMessage());
      return;
    }
    String t = f.optString("t");
    if (t.equals("cb")) {
      long seq = f.optLong("seq");
      if (seq <= processed) return; // already delivered before a resume
      processed = seq;
      serverStatus = f.optInt("st", serverStatus);
      status.set(serverStatus);
      deliver(f.optString("n"), f.optJSONArray("a"));
      postAck();
    } else if (t.equals("ack")) {
      long seq = f.optLong("seq");
      while (!calls.isEmpty() && calls.peekFirst().method != null && calls.peekFirst().seq <= seq) calls.pollFirst();
    } else if (t.equals("welcome")) {
      welcome(f);
    } else if (t.equals("error")) {
      String code = f.optString("code");
      if (code.equals("unknown_session") || code.equals("unsupported_version")) return; // the close that follows says it
      log("[sig2rtm] gateway error " + code + ": " + f.optString("message"));
    }
  }

  private void welcome(JSONObject f) {
    boolean resumed = f.optBoolean("resumed");
    long ack = f.optLong("ack");
    serverStatus = f.optInt("st");
    JSONObject limits = f.optJSONObject("limits");
    if (limits != null) {
      resumeMs = limits.optLong("resumeMs", resumeMs);
      maxFrameBytes = limits.optInt("maxFrameBytes", maxFrameBytes);
    }
    if (!resumed) {
      session = f.optString("session");
      processed = 0;
      lastAcked = 0;
      // Calls queued for no session or a dead one go to this new session, numbered from 1.
      callSeq = 0;
      for (Pending p : calls) p.seq = ++callSeq;
    } else {
      while (!calls.isEmpty() && calls.peekFirst().method != null && calls.peekFirst().seq <= ack) calls.pollFirst();
    }
    welcomed = true;
    lost = false;
    attempt = 0;
    if (reconnecting) {
      reconnecting = false;
      status.set(serverStatus);
      deliver("onReconnected", json(0));
    }
    for (Pending p : calls) send(p);
    sendAck();
  }

  private void closed(long id, int code, String reason) {
    if (id != linkId || linkClosed) return;
    linkClosed = true;
    if (link != null) link.cancel();
    link = null;
    welcomed = false;
    if (ending) { // bye was sent: the session is over by our own wish
      ending = false;
      forgetSession();
      for (Iterator<Pending> it = calls.iterator(); it.hasNext(); ) {
        Pending p = it.next();
        if (p.method == null || p.method.equals("destroy")) it.remove();
      }
      if (destroyed) shutdown();
      else if (!calls.isEmpty()) connect();
      return;
    }
    if (destroyed && session == null) {
      shutdown();
      return;
    }
    switch (code) {
      case 4006: // resumed on another socket: not ours to use any more
        return;
      case 4001:
        log("[sig2rtm] the server does not speak gateway protocol " + PROTOCOL + ": " + reason);
        calls.clear();
        sessionLost(LOGIN_E_OLDVERSION);
        return;
      case 4002:
      case 4005:
      case 4007:
        sessionLost(LOGIN_E_NET);
        if (!calls.isEmpty()) connect();
        return;
      default:
        break;
    }
    if (session == null) {
      // Never got a session: try a few times, then a pending login fails as with no network.
      if (++attempt >= FIRST_CONNECT_ATTEMPTS) {
        attempt = 0;
        boolean hadLogin = false;
        for (Pending p : calls) hadLogin |= "login".equals(p.method) || "login2".equals(p.method);
        calls.clear();
        log("[sig2rtm] cannot reach the server at " + config.serverUrl() + ": " + reason);
        if (destroyed) shutdown();
        else if (hadLogin) {
          status.set(0);
          deliver("onLoginFailed", json(LOGIN_E_NET));
        } else status.compareAndSet(1, 0);
        return;
      }
      scheduleRetry();
      return;
    }
    if (!lost) {
      lost = true;
      lostAt = System.nanoTime();
      attempt = 0;
      reconnecting = serverStatus == 2 || serverStatus == 3;
    }
    scheduleRetry();
  }

  private void scheduleRetry() {
    ++attempt;
    if (reconnecting) {
      status.set(3);
      deliver("onReconnecting", json(attempt));
    }
    long delay = attempt <= 1 ? 0 : Math.min(100L << Math.min(attempt - 2, 5), 2000L);
    retry =
        schedule(
            () -> {
              retry = null;
              if (lost && System.nanoTime() - lostAt >= TimeUnit.MILLISECONDS.toNanos(resumeMs)) {
                sessionLost(LOGIN_E_NET);
                if (!calls.isEmpty()) connect();
                return;
              }
              connect();
            },
            delay);
  }

  /** The session is gone (ended on the server, or not resumable in time): the legacy logout. */
  private void sessionLost(int loginFailure) {
    int st = serverStatus;
    boolean wasReconnecting = reconnecting;
    forgetSession();
    for (Iterator<Pending> it = calls.iterator(); it.hasNext(); ) if (it.next().method == null) it.remove();
    if (wasReconnecting || st == 2 || st == 3) {
      status.set(0);
      deliver("onLogout", json(LOGOUT_E_NET));
    } else if (st == 1) {
      status.set(0);
      deliver("onLoginFailed", json(loginFailure));
    } else {
      status.set(0);
    }
  }

  private void forgetSession() {
    session = null;
    lost = false;
    reconnecting = false;
    attempt = 0;
    serverStatus = 0;
    processed = 0;
    lastAcked = 0;
  }

  /** One ack per batch: posted behind the frames already queued on the SDK thread. */
  private void postAck() {
    if (ackPosted) return;
    ackPosted = true;
    post(this::sendAck);
  }

  private void sendAck() {
    ackPosted = false;
    if (!welcomed || link == null || processed == lastAcked) return;
    JSONObject f = Wire.frame("ack");
    try {
      f.put("seq", processed);
    } catch (JSONException e) {
      throw new IllegalStateException(e);
    }
    link.send(f.toString());
    lastAcked = processed;
  }

  // ---- delivery (SDK thread) ---------------------------------------------------------------------

  private void deliver(String name, JSONArray args) {
    IAgoraAPI.ICallBack h = handler;
    if (h == null) return;
    try {
      if (!Callbacks.dispatch(h, name, args)) log("[sig2rtm] callback not understood: " + name + " " + args);
    } catch (RuntimeException e) {
      // The app's own exception must not stop the SDK thread (the legacy SDK caught these too).
      System.err.println("[sig2rtm] exception in " + name + ": " + e);
      e.printStackTrace();
    }
  }

  private void log(String line) {
    System.err.println(line);
    deliver("onLog", json(line));
  }

  private static JSONArray json(Object... values) {
    JSONArray a = new JSONArray();
    for (Object v : values) a.put(v);
    return a;
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  private void post(Runnable r) {
    try {
      loop.execute(r);
    } catch (RejectedExecutionException e) {
      // destroyed: the SDK thread is gone, and so is everything it would have done
    }
  }

  private ScheduledFuture<?> schedule(Runnable r, long ms) {
    try {
      return loop.schedule(r, ms, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  private void shutdown() {
    if (link != null) link.cancel();
    link = null;
    calls.clear();
    config.shutdown();
    loop.shutdownNow();
  }
}
