package rpc.examples.internal;

import java.util.List;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.services.HealthService;
import rpc.services.ReflectionService;
import rpc.services.health.v1.HealthCheckResponse.ServingStatus;

/**
 * The standard services every example server offers beside its own: health checking and server
 * reflection, so {@code grpcurl} and {@code grpc_health_probe} work against it.
 *
 * <p>Thread-safe: the services it holds are.
 */
final class StandardServices {
  private final HealthService health = HealthService.create();
  private final ReflectionService reflection = ReflectionService.create();

  /** Adds health and reflection (v1 and v1alpha) to a server builder. */
  void addTo(Server.Builder builder) {
    builder.addService(health.definition())
        .addService(reflection.definition())
        .addService(reflection.v1alphaDefinition());
  }

  /**
   * Connects the services to the built server (reflection lists its services; health turns
   * NOT_SERVING when shutdown begins) and marks the example's own services SERVING.
   */
  Server attach(Server server, List<ServiceDefinition> services) {
    health.attach(server);
    reflection.attach(server);
    for (ServiceDefinition s : services) {
      health.setStatus(s.name(), ServingStatus.SERVING);
    }
    return server;
  }
}
