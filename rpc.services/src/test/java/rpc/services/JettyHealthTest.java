package rpc.services;

/** The health service over HTTP/2 (h2c). */
class JettyHealthTest extends AbstractHealthTest {
  @Override
  ServicesTransport transport() {
    return ServicesTransport.jetty();
  }
}
