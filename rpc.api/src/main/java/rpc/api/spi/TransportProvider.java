package rpc.api.spi;

import java.util.Set;

/**
 * A transport, found with {@link java.util.ServiceLoader}: declare it with
 * {@code provides rpc.api.spi.TransportProvider with ...} in {@code module-info.java} and in
 * {@code META-INF/services/rpc.api.spi.TransportProvider} for the class path.
 * Implementations must be thread-safe, have a public no-argument constructor that is cheap and
 * never throws, and report problems (a missing optional dependency, say) through
 * {@link #isAvailable()}.
 *
 * <p>Selection: a target's scheme picks the available provider with the highest
 * {@link #priority()} among those whose {@link #schemes()} contain it; a builder's
 * {@code transport(name)} picks by {@link #name()} instead.
 */
public interface TransportProvider {

  /**
   * {@return the short name used to pick this transport explicitly ({@code "jetty"},
   * {@code "inprocess"})}
   */
  String name();

  /**
   * {@return the target schemes served ({@code "inprocess"}; {@code "dns"}, {@code "http"},
   * {@code "https"})}
   */
  Set<String> schemes();

  /**
   * Higher wins when several providers serve a scheme. Defaults to 0.
   *
   * @return this provider's rank among those that serve the same scheme
   */
  default int priority() {
    return 0;
  }

  /** {@return whether the transport can run here} Defaults to true. */
  default boolean isAvailable() {
    return true;
  }

  /**
   * The option keys {@link #newClientTransport} reads from {@link ClientTransportConfig#options()}.
   * A channel given any other key fails to build with an {@link IllegalArgumentException} that
   * names these, so a misspelled key is never ignored. Defaults to none.
   *
   * @return the keys a channel may set for this transport
   */
  default Set<String> clientOptionKeys() {
    return Set.of();
  }

  /**
   * The option keys {@link #newServerTransport} reads from {@link ServerTransportConfig#options()};
   * as {@link #clientOptionKeys()}, for servers. Defaults to none.
   *
   * @return the keys a server may set for this transport
   */
  default Set<String> serverOptionKeys() {
    return Set.of();
  }

  /**
   * Checks that {@link #newClientTransport} would accept {@code config}, without creating anything:
   * a channel whose transports are created later, one per resolved address, calls it when it is
   * built so that a bad setting fails {@code build()}, not the first call. Defaults to accepting
   * everything.
   *
   * @param config the channel's settings (no address yet)
   * @throws IllegalArgumentException naming what is wrong
   */
  default void checkClientConfig(ClientTransportConfig config) {}

  /**
   * A client transport for one channel, or for one address of a channel's target (when
   * {@link ClientTransportConfig#address()} is set: providers that serve {@code dns} or
   * {@code unix} connect to the addresses a channel's name resolver gives).
   *
   * @param config the channel's settings
   * @return a new client transport
   */
  ClientTransport newClientTransport(ClientTransportConfig config);

  /**
   * A server transport (not started).
   *
   * @param config the server's settings
   * @return a new server transport
   */
  ServerTransport newServerTransport(ServerTransportConfig config);
}
