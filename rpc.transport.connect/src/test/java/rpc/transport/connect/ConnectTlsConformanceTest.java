package rpc.transport.connect;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.Target;
import rpc.api.spi.TransportProvider;
import rpc.testkit.TestCertificates;
import rpc.testkit.TransportConformanceTest;

/**
 * The conformance suite with this transport's client over HTTP/2 with TLS
 * ({@code connect+https://localhost:PORT}, ALPN h2) and our own server.
 */
class ConnectTlsConformanceTest extends TransportConformanceTest {

  @RegisterExtension
  static final Unsupported UNSUPPORTED = new Unsupported(Limits.http2());

  @Override
  protected String listenAddress() {
    return "127.0.0.1:0";
  }

  @Override
  protected String targetFor(Server server) {
    return "connect+https://localhost:" + server.port();
  }

  @Override
  protected Server.Builder configureServer(Server.Builder builder) {
    return builder.transport("jetty").sslContext(TestCertificates.get().server());
  }

  @Override
  protected Channel.Builder configureChannel(Channel.Builder builder) {
    return builder.sslContext(TestCertificates.get().client());
  }

  @Override
  protected TransportProvider transportProvider() {
    return new ServerAndClient();
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
    return new ClientTransportConfig(Target.parse("connect+https://localhost:" + server.port()),
        super.clientTransportConfig(server).maxInboundMessageSize(), TestCertificates.get().client(), null, null, null,
        Map.of());
  }
}
