package rpc.transport.jetty;

import java.util.Map;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.Target;
import rpc.testkit.TestCertificates;
import rpc.testkit.TransportConformanceTest;

/** The conformance suite over TLS with ALPN h2, to {@code https://localhost:PORT}. */
class JettyTlsConformanceTest extends TransportConformanceTest {
  private static final int MAX_MESSAGE = 4 * 1024 * 1024;

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

  @Override
  protected ServerTransportConfig serverTransportConfig() {
    ServerTransportConfig plain = super.serverTransportConfig();
    return new ServerTransportConfig(plain.address(), plain.maxInboundMessageSize(), TestCertificates.get().server(),
        false, plain.maxConcurrentStreams(), plain.idleTimeout(), plain.options());
  }

  @Override
  protected ClientTransportConfig clientTransportConfig(ServerTransport server) {
    // The certificate names localhost: the target must too, so the hostname check passes.
    return new ClientTransportConfig(Target.parse("https://localhost:" + server.port()), MAX_MESSAGE,
        TestCertificates.get().client(), null, null, null, Map.of());
  }
}
