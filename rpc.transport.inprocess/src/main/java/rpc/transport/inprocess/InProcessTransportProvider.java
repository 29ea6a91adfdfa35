package rpc.transport.inprocess;

import java.util.Set;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.TransportProvider;
import rpc.transport.inprocess.internal.InProcessClientTransport;
import rpc.transport.inprocess.internal.InProcessServerTransport;

/**
 * The in-process transport: serves {@code inprocess:NAME} targets within one JVM.
 * Thread-safe. Found through {@link java.util.ServiceLoader}; applications do not use this class
 * directly: a server listens with {@code Server.newBuilder().listen("inprocess:NAME")} and a channel
 * opens {@code Channel.open("inprocess:NAME")}.
 *
 * <p>Messages whose codec declares them immutable (protobuf messages) cross by reference, with no
 * serialization and no framing; other messages are serialized and parsed, so their semantics match
 * a network transport. Deadlines, cancellation, metadata, trailers, message size limits and
 * back-pressure behave as over the network. This makes it the test double to use for services and
 * clients instead of mocks.
 */
public final class InProcessTransportProvider implements TransportProvider {

  /** The transport's name, {@value}. */
  public static final String NAME = "inprocess";

  /** Used by {@link java.util.ServiceLoader}. */
  public InProcessTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(NAME);
  }

  @Override
  public ClientTransport newClientTransport(ClientTransportConfig config) {
    return new InProcessClientTransport(config);
  }

  @Override
  public ServerTransport newServerTransport(ServerTransportConfig config) {
    return new InProcessServerTransport(config);
  }
}
