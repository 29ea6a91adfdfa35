package rpc.transport.jetty;

import rpc.api.Channel;
import rpc.api.Server;
import rpc.testkit.TestCertificates;
import rpc.testkit.TransportConformanceTest;

/** The conformance suite over TLS with ALPN h2, to {@code https://localhost:PORT}. */
class JettyTlsConformanceTest extends TransportConformanceTest {

  @Override
  protected String listenAddress() {
    return "127.0.0.1:0";
  }

  @Override
  protected String targetFor(Server server) {
    return "https://localhost:" + server.port();
  }

  @Override
  protected Server.Builder configureServer(Server.Builder builder) {
    return builder.sslContext(TestCertificates.get().server());
  }

  @Override
  protected Channel.Builder configureChannel(Channel.Builder builder) {
    return builder.sslContext(TestCertificates.get().client());
  }
}
