package dev.preheat.http;

/** {@link NginxWarmTest} with the transport on Apache HttpClient 5. */
class NginxWarmApacheTest extends NginxWarmTest {

  @Override
  HttpClientKind client() {
    return HttpClientKind.APACHE;
  }
}
