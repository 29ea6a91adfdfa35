package rpc.api.spi;

import java.net.SocketAddress;
import java.util.List;
import rpc.api.Status;

/**
 * Turns one channel's target into the addresses of its servers, now and whenever they change.
 * Created by a {@link NameResolverProvider}. Not thread-safe for its own methods: the channel calls
 * {@link #start}, {@link #refresh} and {@link #shutdown} one at a time. The {@link Listener} may be
 * called from any thread, at any time between {@code start} and {@code shutdown}.
 */
public interface NameResolver {

  /**
   * Receives resolution results. Thread-safe: call it from any thread. It never blocks.
   */
  interface Listener {
    /**
     * The target now resolves to {@code addresses}, in the resolver's order of preference. Replaces
     * the previous result.
     *
     * @param addresses one or more addresses ({@link java.net.InetSocketAddress}, already
     *     resolved, or {@link java.net.UnixDomainSocketAddress})
     * @throws IllegalArgumentException if {@code addresses} is empty: report that with {@link #onError}
     */
    default void onAddresses(List<SocketAddress> addresses) {
      onResult(addresses, null);
    }

    /**
     * The target now resolves to {@code addresses}, and its service config is {@code serviceConfig}
     * (the JSON object model, as {@code Channel.Builder.defaultServiceConfig} takes it): it replaces
     * the channel's default config; null keeps the default. A config that is not valid is logged
     * and ignored (the channel keeps the one it had). Its {@code loadBalancingConfig} switches the
     * channel's policy; its {@code healthCheckConfig} applies to subchannels created afterwards.
     *
     * @param addresses one or more addresses
     * @param serviceConfig the service config, or null for the channel's default
     */
    void onResult(List<SocketAddress> addresses, java.util.Map<String, ?> serviceConfig);

    /**
     * Resolution failed. The channel keeps using the last addresses it had, if any; if it has
     * none, calls fail with {@code error} unless they wait for ready. The resolver tries again by
     * itself, with backoff.
     *
     * @param error an {@code UNAVAILABLE} status naming the target and the cause
     */
    void onError(Status error);
  }

  /**
   * Starts resolving; results go to {@code listener}. Does not block (resolve on another thread).
   * Called once.
   *
   * @param listener receives results and errors
   */
  void start(Listener listener);

  /**
   * Asks for a new resolution (a connection failed, say). The resolver may delay it to keep its
   * rate bounded; several requests in a row may give one resolution. Does not block.
   */
  void refresh();

  /** Stops resolving; no listener call starts afterwards. Idempotent. */
  void shutdown();
}
