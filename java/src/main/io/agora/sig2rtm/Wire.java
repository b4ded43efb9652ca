package io.agora.sig2rtm;

import java.nio.charset.Charset;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * Java values to and from the gateway's wire types (docs/gateway-protocol.md §3): strings as JSON
 * strings (null is ""), uint32 as an unsigned JSON integer (a Java int carries its 32 bits), int as
 * is. Used by the generated marshalling ({@code NativeAgoraAPI}, {@link Callbacks}).
 */
public final class Wire {
  private static final Charset UTF8 = Charset.forName("UTF-8");

  private Wire() {}

  /** A string argument: Java apps pass null where the docs say NULL or "". */
  public static String str(String s) {
    return s == null ? "" : s;
  }

  /** A uint32 argument: the int's 32 bits, unsigned (-1 is 4294967295). */
  public static Long u32(int v) {
    return Long.valueOf(v & 0xffffffffL);
  }

  /** Whether {@code a} has exactly the arguments {@code kinds} describes (s, u, i, S, U). */
  public static boolean fits(JSONArray a, String kinds) {
    if (a == null || a.length() != kinds.length()) return false;
    for (int k = 0; k < kinds.length(); k++) {
      Object v = a.opt(k);
      switch (kinds.charAt(k)) {
        case 's':
          if (!(v instanceof String)) return false;
          break;
        case 'u':
          if (!isInteger(v, 0L, 0xffffffffL)) return false;
          break;
        case 'i':
          if (!isInteger(v, Integer.MIN_VALUE, Integer.MAX_VALUE)) return false;
          break;
        case 'S':
        case 'U':
          if (!(v instanceof JSONArray)) return false;
          JSONArray items = (JSONArray) v;
          for (int j = 0; j < items.length(); j++) {
            Object item = items.opt(j);
            if (kinds.charAt(k) == 'S' ? !(item instanceof String) : !isInteger(item, 0L, 0xffffffffL)) return false;
          }
          break;
        default:
          return false;
      }
    }
    return true;
  }

  private static boolean isInteger(Object v, long min, long max) {
    if (!(v instanceof Integer || v instanceof Long)) return false;
    long n = ((Number) v).longValue();
    return n >= min && n <= max;
  }

  public static String str(JSONArray a, int k) {
    Object v = a.opt(k);
    return v instanceof String ? (String) v : "";
  }

  /** A uint32 as the jar gives it: a Java int with the same 32 bits (above 2^31-1 it is negative). */
  public static int u32(JSONArray a, int k) {
    return (int) a.optLong(k);
  }

  public static int i32(JSONArray a, int k) {
    return (int) a.optLong(k);
  }

  public static byte[] bytes(JSONArray a, int k) {
    return str(a, k).getBytes(UTF8);
  }

  public static String[] strs(JSONArray a, int k) {
    JSONArray items = a.optJSONArray(k);
    String[] out = new String[items.length()];
    for (int j = 0; j < out.length; j++) out[j] = str(items, j);
    return out;
  }

  public static int[] u32s(JSONArray a, int k) {
    JSONArray items = a.optJSONArray(k);
    int[] out = new int[items.length()];
    for (int j = 0; j < out.length; j++) out[j] = u32(items, j);
    return out;
  }

  /** The encoded size of a frame in bytes (the server's maxFrameBytes counts bytes). */
  static int utf8Length(String text) {
    return text.getBytes(UTF8).length;
  }

  /** {@code {"t": t}}: the start of every frame. */
  static JSONObject frame(String t) {
    JSONObject f = new JSONObject();
    try {
      f.put("t", t);
    } catch (org.json.JSONException e) {
      throw new IllegalStateException(e);
    }
    return f;
  }
}
