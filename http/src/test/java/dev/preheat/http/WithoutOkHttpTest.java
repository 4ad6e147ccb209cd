package dev.preheat.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OkHttp is optional: with OkHttp, Okio and Kotlin hidden from {@code preheat-http}'s classes,
 * the default transport, the sitemap resolver and the purgers still work, and asking for OkHttp
 * fails with a message naming the dependency to add.
 */
@Timeout(60)
class WithoutOkHttpTest {

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/sitemap.xml")) {
          return new MockResponse.Builder().body("<urlset/>").build();
        }
        if (request.getMethod().equals("PURGE")) {
          return new MockResponse.Builder().code(200).body("purged").build();
        }
        return new MockResponse.Builder().body("page").build();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Loads {@code dev.preheat.http.*} itself and refuses OkHttp, Okio and Kotlin. */
  static final class HidingLoader extends ClassLoader {
    HidingLoader(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("okhttp3.") || name.startsWith("okio.") || name.startsWith("kotlin.")) {
        throw new ClassNotFoundException(name + " (hidden by the test)");
      }
      if (!name.startsWith("dev.preheat.http.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          String resource = name.replace('.', '/') + ".class";
          try (InputStream in = getParent().getResourceAsStream(resource)) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            c = defineClass(name, bytes, 0, bytes.length);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  @Test
  void everythingButOkHttpTransportRunsWithoutOkHttpAndAskingForItSaysWhatToAdd()
      throws Exception {
    HidingLoader loader = new HidingLoader(getClass().getClassLoader());
    assertThat(Class.forName("dev.preheat.http.internal.OkHttpSupport", true, loader)
        .getMethod("available").invoke(null)).isEqualTo(false);
    @SuppressWarnings("unchecked")
    Function<String, String> scenario = (Function<String, String>) Class
        .forName(WithoutOkHttpScenario.class.getName(), true, loader)
        .getDeclaredConstructor().newInstance();

    String out = scenario.apply(server.url("/").toString().replaceAll("/$", ""));

    assertThat(out).contains("warm 200\n", "sitemap <urlset/>\n", "purge HTTP 200\n");
    assertThat(out).contains("okhttp kind: HttpClientKind.OKHTTP (OkHttpTransport) needs OkHttp",
        "okhttp transport: OkHttpTransport needs OkHttp",
        "com.squareup.okhttp3:okhttp-jvm:5.3.2", "ApacheHttpTransport");
    // And with OkHttp present (this test's own class path) it is found.
    assertThat(dev.preheat.http.internal.OkHttpSupport.available()).isTrue();
  }
}
