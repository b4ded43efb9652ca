package io.agora.sig2rtm;

import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Where and how an instance reaches its gateway: the server address, extra trusted certificates for
 * wss://, the WebSocket ping interval. Set by dbg() keys (any thread; the legacy way, before login),
 * Java system properties and environment variables; read by the SDK thread, which also owns the
 * OkHttp client built from them.
 */
final class LinkConfig {
  private static final String DEFAULT_URL = "ws://127.0.0.1:8080/gateway";

  private volatile String urlOverride = System.getProperty("sig2rtm.gateway.url");
  private volatile String caFile = firstNonEmpty(System.getProperty("sig2rtm.ca.file"), env("SIG2RTM_CA_FILE"));
  private volatile long pingMs = 10000;

  // SDK thread only.
  private OkHttpClient http;
  private String httpConfig;

  /** Takes a dbg() key; returns a problem to log, or null. Unknown keys are accepted and ignored. */
  String dbg(String key, String value) {
    if (key.equals("lbss") || key.equals("sig2rtm_url")) urlOverride = value;
    else if (key.equals("sig2rtm_ca_file")) caFile = value;
    else if (key.equals("sig2rtm_ping_ms")) {
      try {
        pingMs = Math.max(0, Long.parseLong(value.trim()));
      } catch (NumberFormatException e) {
        return "dbg sig2rtm_ping_ms: not a number: " + value;
      }
    }
    return null;
  }

  /** The gateway URL: dbg("lbss"), then -Dsig2rtm.gateway.url, SIG2RTM_GATEWAY_URL, SIG2RTM_URL, the default. */
  String serverUrl() {
    String v = urlOverride;
    if (v != null && !v.isEmpty()) {
      if (v.startsWith("ws://") || v.startsWith("wss://")) {
        int scheme = v.indexOf("://") + 3;
        return v.indexOf('/', scheme) < 0 ? v + "/gateway" : v;
      }
      return "ws://" + v + (v.indexOf(':') < 0 ? ":8080" : "") + "/gateway";
    }
    v = env("SIG2RTM_GATEWAY_URL");
    if (v != null && !v.isEmpty()) return v;
    v = env("SIG2RTM_URL"); // the RTM endpoint of the same server: ws://host:port/rtm
    if (v != null && v.endsWith("/rtm")) return v.substring(0, v.length() - 4) + "/gateway";
    return DEFAULT_URL;
  }

  /** One OkHttp client per configuration (extra CA file, ping interval). */
  /** SDK thread only. */
  OkHttpClient client() throws Exception {
    String ca = caFile;
    long ping = pingMs;
    String config = ca + "|" + ping;
    if (http != null && config.equals(httpConfig)) return http;
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .connectTimeout(10, TimeUnit.SECONDS)
            .readTimeout(0, TimeUnit.MILLISECONDS)
            .writeTimeout(10, TimeUnit.SECONDS)
            // OkHttp drops a WebSocket whose ping goes unanswered until the next one.
            .pingInterval(ping, TimeUnit.MILLISECONDS);
    if (ca != null && !ca.isEmpty()) {
      X509TrustManager tm = trustManager(ca);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {tm}, null);
      b.sslSocketFactory(tls.getSocketFactory(), tm);
    }
    if (http != null) http.dispatcher().executorService().shutdown();
    http = b.build();
    httpConfig = config;
    return http;
  }

  /** The platform's trusted certificates plus those in a PEM file. */
  private static X509TrustManager trustManager(String pemFile) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    system.init((KeyStore) null);
    int n = 0;
    for (TrustManager tm : system.getTrustManagers()) {
      if (tm instanceof X509TrustManager) {
        for (Certificate c : ((X509TrustManager) tm).getAcceptedIssuers()) store.setCertificateEntry("system-" + n++, c);
      }
    }
    InputStream in = new FileInputStream(pemFile);
    try {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) store.setCertificateEntry("extra-" + n++, c);
    } finally {
      in.close();
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager) return (X509TrustManager) tm;
    throw new IllegalStateException("no X509TrustManager");
  }

  private static String env(String name) {
    try {
      return System.getenv(name);
    } catch (SecurityException e) {
      return null;
    }
  }

  private static String firstNonEmpty(String a, String b) {
    return a != null && !a.isEmpty() ? a : b;
  }

  /** Lets OkHttp's threads end (the JVM may then exit). */
  void shutdown() {
    if (http == null) return;
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
