package rpc.transport.jetty;

import java.util.Set;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.TransportProvider;
import rpc.transport.jetty.internal.client.JettyClientTransport;
import rpc.transport.jetty.internal.server.JettyServerTransport;

/**
 * The HTTP/2 transport, speaking the gRPC wire protocol on Jetty's low-level HTTP/2 client and
 * server: plaintext h2c with prior knowledge for {@code host:port}, {@code dns:///host:port} and
 * {@code http://} targets, TLS with ALPN {@code h2} for {@code https://} targets and for servers
 * given an {@code SSLContext}, and h2c over a Unix domain socket for {@code unix:///absolute/path}
 * and {@code unix:relative/path} targets and listen addresses (no TLS there). Speaks the gRPC wire
 * protocol; interop is tested against grpc-java. Tuning options are listed in
 * {@link JettyTransportOptions}.
 * Thread-safe. Found by {@link java.util.ServiceLoader}; name {@code "jetty"}, priority 10.
 */
public final class JettyTransportProvider implements TransportProvider {

  /** Creates the provider; cheap, and never throws. */
  public JettyTransportProvider() {}

  @Override
  public String name() {
    return "jetty";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("dns", "http", "https", "unix");
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Set<String> clientOptionKeys() {
    return JettyTransportOptions.CLIENT_KEYS;
  }

  @Override
  public Set<String> serverOptionKeys() {
    return JettyTransportOptions.SERVER_KEYS;
  }

  @Override
  public void checkClientConfig(ClientTransportConfig config) {
    JettyClientTransport.check(config);
  }

  @Override
  public ClientTransport newClientTransport(ClientTransportConfig config) {
    return new JettyClientTransport(config);
  }

  @Override
  public ServerTransport newServerTransport(ServerTransportConfig config) {
    return new JettyServerTransport(config);
  }

  @Override
  public String toString() {
    return "JettyTransportProvider";
  }
}
