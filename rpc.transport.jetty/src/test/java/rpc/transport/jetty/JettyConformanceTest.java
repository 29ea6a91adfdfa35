package rpc.transport.jetty;

import rpc.api.Server;
import rpc.testkit.TransportConformanceTest;

/** The whole conformance suite over plaintext HTTP/2 (h2c with prior knowledge). */
class JettyConformanceTest extends TransportConformanceTest {

  @Override
  protected String transportName() {
    return "jetty"; // this transport, whatever else on the class path serves host:port targets
  }

  @Override
  protected String listenAddress() {
    return "127.0.0.1:0";
  }

  @Override
  protected String targetFor(Server server) {
    return "127.0.0.1:" + server.port();
  }
}
