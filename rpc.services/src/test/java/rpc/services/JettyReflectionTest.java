package rpc.services;

/** Server reflection over HTTP/2 (h2c). */
class JettyReflectionTest extends AbstractReflectionTest {
  @Override
  ServicesTransport transport() {
    return ServicesTransport.jetty();
  }
}
