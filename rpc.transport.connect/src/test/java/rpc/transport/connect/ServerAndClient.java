package rpc.transport.connect;

import java.util.Set;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.TransportProvider;
import rpc.transport.jetty.JettyTransportProvider;

/**
 * For the conformance suite's transport-level group, which makes client and server from one
 * provider: servers from the Jetty transport (which answers the Connect protocol), clients from
 * this one. Thread-safe.
 */
final class ServerAndClient implements TransportProvider {
  private final TransportProvider server = new JettyTransportProvider();
  private final TransportProvider client = new ConnectTransportProvider();

  @Override
  public String name() {
    return client.name();
  }

  @Override
  public Set<String> schemes() {
    return client.schemes();
  }

  @Override
  public ClientTransport newClientTransport(ClientTransportConfig config) {
    return client.newClientTransport(config);
  }

  @Override
  public ServerTransport newServerTransport(ServerTransportConfig config) {
    return server.newServerTransport(config);
  }
}
