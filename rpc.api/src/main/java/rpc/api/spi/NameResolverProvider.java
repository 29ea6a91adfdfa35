package rpc.api.spi;

import java.util.Set;

/**
 * Creates the {@link NameResolver} of a target scheme. Found with {@link java.util.ServiceLoader}
 * ({@code provides rpc.api.spi.NameResolverProvider with ...}, or {@code META-INF/services}), or
 * given to one channel with {@code Channel.Builder.nameResolver}. Implementations must be
 * thread-safe and have a cheap constructor that never throws.
 *
 * <p>rpc.api has resolvers for {@code dns} (also {@code host:port}, {@code http://} and
 * {@code https://} targets), {@code ipv4}, {@code ipv6} and {@code unix}, as grpc's
 * {@code doc/naming.md} defines them. A provider found with ServiceLoader wins over a built-in one
 * for the same scheme when its {@link #priority()} is above 0; one given to a channel always wins.
 */
public interface NameResolverProvider {

  /** {@return the target schemes this provider resolves, lower case ({@code "dns"})} */
  Set<String> schemes();

  /**
   * Higher wins when several providers resolve a scheme; the built-in ones have 0. Defaults to 0.
   *
   * @return this provider's rank
   */
  default int priority() {
    return 0;
  }

  /**
   * A resolver for {@code target}, not started.
   *
   * @param target the channel's parsed target; {@link Target#authority()} is what follows the
   *     scheme ({@code host:port} for {@code dns:///host:port})
   * @param defaultPort the port to use when the target names none (443 with TLS, 80 without)
   * @return the new resolver
   * @throws IllegalArgumentException if the target is malformed for this scheme
   */
  NameResolver newNameResolver(Target target, int defaultPort);
}
