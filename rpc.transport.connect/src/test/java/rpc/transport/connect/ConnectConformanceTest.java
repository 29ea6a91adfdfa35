package rpc.transport.connect;

import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import rpc.api.Server;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.Target;
import rpc.api.spi.TransportProvider;
import rpc.testkit.TransportConformanceTest;

/**
 * The conformance suite with this transport's client over HTTP/1.1 ({@code connect+http://}) and our
 * own server (the Jetty transport, which answers the Connect protocol on its gRPC port).
 */
class ConnectConformanceTest extends TransportConformanceTest {

  @RegisterExtension
  static final Unsupported UNSUPPORTED = new Unsupported(Limits.http1());

  @Override
  protected String listenAddress() {
    return "127.0.0.1:0";
  }

  @Override
  protected Server.Builder configureServer(Server.Builder builder) {
    return builder.transport("jetty");
  }

  @Override
  protected String targetFor(Server server) {
    return "connect+http://127.0.0.1:" + server.port();
  }

  @Override
  protected TransportProvider transportProvider() {
    return new ServerAndClient();
  }

  @Override
  protected ClientTransportConfig clientTransportConfig(ServerTransport server) {
    ClientTransportConfig plain = super.clientTransportConfig(server);
    return new ClientTransportConfig(Target.parse("connect+http://" + server.localAddress()),
        plain.maxInboundMessageSize(), null, null, null, null, Map.of());
  }
}
