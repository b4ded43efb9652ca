package android.content;

/**
 * Compile-time stand-in for Android's {@code android.content.Context}, so that the SDK (whose
 * factories take a Context, as the legacy jar's do) builds and runs on a plain JVM. It is not in
 * sig2rtm-signaling.jar: on Android the platform's class is used; JVM apps put
 * sig2rtm-android-stub.jar on their class path and pass null.
 */
public abstract class Context {}
