package rpc.api.internal.balancer;

import java.net.SocketAddress;
import java.util.List;
import rpc.api.spi.NameResolver;

/**
 * A resolver whose target lists its addresses ({@code ipv4:}, {@code ipv6:}, {@code unix:}): it
 * reports them once; a refresh changes nothing. Thread-safe.
 */
final class FixedResolver implements NameResolver {
  private final List<SocketAddress> addresses;
  private volatile boolean shutdown;

  FixedResolver(List<SocketAddress> addresses) {
    this.addresses = List.copyOf(addresses);
  }

  @Override
  public void start(Listener listener) {
    if (!shutdown) {
      listener.onAddresses(addresses);
    }
  }

  @Override
  public void refresh() {}

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public String toString() {
    return "FixedResolver" + addresses;
  }
}
