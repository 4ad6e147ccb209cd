package dev.preheat.http;

/** {@link VarnishWarmTest} with the transport on Apache HttpClient 5. */
class VarnishWarmApacheTest extends VarnishWarmTest {

  @Override
  HttpClientKind client() {
    return HttpClientKind.APACHE;
  }
}
