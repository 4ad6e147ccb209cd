package dev.preheat.http.internal;

/**
 * Whether OkHttp, an optional dependency of {@code preheat-http}, is on the class path. Only
 * {@code OkHttpTransport} ({@code HttpClientKind.OKHTTP}, the CLI's {@code --http-client okhttp})
 * needs it; the default transport, the purgers and the sitemap resolver run on Apache HttpClient 5.
 */
public final class OkHttpSupport {

  /** The Maven coordinates to add, with the version Preheat is built and tested against. */
  public static final String COORDINATES = "com.squareup.okhttp3:okhttp-jvm:5.3.2";

  private OkHttpSupport() {}

  /** Whether OkHttp can be loaded by the class loader of {@code preheat-http}. */
  public static boolean available() {
    try {
      Class.forName("okhttp3.OkHttpClient", false, OkHttpSupport.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Fails unless OkHttp is available.
   *
   * @param what who needs it, for the message (e.g. {@code OkHttpTransport})
   * @throws IllegalStateException naming the missing dependency and how to add it
   */
  public static void require(String what) {
    if (!available()) {
      throw new IllegalStateException(what + " needs OkHttp, an optional dependency of"
          + " dev.preheat:preheat-http that is not on the class path. Add " + COORDINATES
          + " (Maven: <dependency><groupId>com.squareup.okhttp3</groupId>"
          + "<artifactId>okhttp-jvm</artifactId><version>5.3.2</version></dependency>), or use"
          + " the default ApacheHttpTransport (HttpClientKind.APACHE, --http-client apache),"
          + " which needs nothing more.");
    }
  }
}
