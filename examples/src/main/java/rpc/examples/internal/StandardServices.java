package rpc.examples.internal;

import rpc.api.Server;

/**
 * The standard services every example server offers beside its own.
 *
 * <p>Thread-safe (stateless).
 */
final class StandardServices {
  private StandardServices() {}

  /**
   * Adds the standard services to an example server before it is built.
   *
   * <p>=== STANDARD SERVICES: health checking and server reflection (module rpc.services) ===
   * <br>When {@code rpc.services} is available, this is the one place to enable them: add
   * {@code HealthService} and {@code ReflectionService} definitions here (and {@code requires
   * rpc.services;} to module-info), so that {@code grpcurl} and {@code grpc_health_probe} work
   * against every example server.
   */
  static void addTo(Server.Builder builder) {
    // intentionally empty until rpc.services is part of the build; see the javadoc above
  }
}
