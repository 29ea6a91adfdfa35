package rpc.api.spi;

import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import rpc.api.Status;

/**
 * A resolver whose addresses the application sets, and may change at any time: for tests, and for
 * programs that learn their servers' addresses some other way (a registry, a config file). Give
 * it to a channel with {@code Channel.Builder.nameResolver} and open the channel with a target of
 * its scheme:
 *
 * <pre>{@code
 * ManualResolver backends = new ManualResolver("backends");
 * backends.setAddresses(List.of(new InetSocketAddress("10.0.0.1", 50051), new InetSocketAddress("10.0.0.2", 50051)));
 * Channel channel = Channel.newBuilder("backends:///orders").nameResolver(backends)
 *     .defaultLoadBalancingPolicy("round_robin").build();
 * }</pre>
 *
 * <p>Thread-safe. One resolver may serve several channels; each gets every update. Until the first
 * {@link #setAddresses}, calls wait (or fail, after {@link #fail}).
 */
public final class ManualResolver implements NameResolverProvider {
  private final String scheme;
  private final CopyOnWriteArrayList<Listening> resolvers = new CopyOnWriteArrayList<>();
  private final AtomicInteger refreshes = new AtomicInteger();
  private volatile List<SocketAddress> addresses;
  private volatile java.util.Map<String, ?> serviceConfig;
  private volatile Status error;
  /** Orders updates and new listeners, so no channel sees an older list after a newer one. */
  private final java.util.concurrent.locks.ReentrantLock updates = new java.util.concurrent.locks.ReentrantLock();

  /**
   * A resolver for targets of {@code scheme}.
   *
   * @param scheme the scheme, such as {@code "backends"} for {@code backends:///name}
   */
  public ManualResolver(String scheme) {
    this.scheme = Objects.requireNonNull(scheme, "scheme").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Sets the addresses every channel using this resolver connects to, replacing the previous ones.
   *
   * @param addresses one or more addresses ({@link java.net.InetSocketAddress} or
   *     {@link java.net.UnixDomainSocketAddress})
   * @throws IllegalArgumentException if {@code addresses} is empty
   */
  public void setAddresses(List<? extends SocketAddress> addresses) {
    setAddresses(addresses, null);
  }

  /**
   * Sets the addresses and the service config every channel using this resolver uses (see
   * {@link NameResolver.Listener#onResult}).
   *
   * @param addresses one or more addresses
   * @param serviceConfig the service config as a JSON object model, or null for each channel's default
   * @throws IllegalArgumentException if {@code addresses} is empty
   */
  public void setAddresses(List<? extends SocketAddress> addresses, java.util.Map<String, ?> serviceConfig) {
    List<SocketAddress> copy = List.copyOf(addresses);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("no addresses: use fail(status) to report that there are none");
    }
    updates.lock();
    try {
      this.addresses = copy;
      this.serviceConfig = serviceConfig;
      this.error = null;
      for (Listening r : resolvers) {
        r.listener.onResult(copy, serviceConfig);
      }
    } finally {
      updates.unlock();
    }
  }

  /**
   * Reports a resolution failure to every channel using this resolver.
   *
   * @param status the failure, normally {@code UNAVAILABLE}
   */
  public void fail(Status status) {
    Objects.requireNonNull(status, "status");
    updates.lock();
    try {
      this.error = status;
      for (Listening r : resolvers) {
        r.listener.onError(status);
      }
    } finally {
      updates.unlock();
    }
  }

  /** {@return how many times channels asked for a new resolution (after a connection failure, say)} */
  public int refreshCount() {
    return refreshes.get();
  }

  @Override
  public Set<String> schemes() {
    return Set.of(scheme);
  }

  @Override
  public NameResolver newNameResolver(Target target, int defaultPort) {
    return new Listening();
  }

  @Override
  public String toString() {
    return "ManualResolver{" + scheme + ":, " + addresses + "}";
  }

  private final class Listening implements NameResolver {
    private volatile NameResolver.Listener listener;

    @Override
    public void start(NameResolver.Listener listener) {
      this.listener = listener;
      updates.lock();
      try {
        resolvers.add(this);
        if (addresses != null) {
          listener.onResult(addresses, serviceConfig);
        } else if (error != null) {
          listener.onError(error);
        }
      } finally {
        updates.unlock();
      }
    }

    @Override
    public void refresh() {
      refreshes.incrementAndGet();
    }

    @Override
    public void shutdown() {
      resolvers.remove(this);
    }
  }
}
