package rpc.services.internal;

import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.services.health.v1.HealthCheckRequest;
import rpc.services.health.v1.HealthCheckResponse;
import rpc.services.health.v1.HealthCheckResponse.ServingStatus;
import rpc.services.health.v1.HealthRpc;

/**
 * {@code grpc.health.v1.Health} over a {@link HealthRegistry}.
 *
 * <p>Thread-safe: all state is in the registry.
 */
public final class HealthHandler implements HealthRpc.Service {
  private final HealthRegistry registry;

  public HealthHandler(HealthRegistry registry) {
    this.registry = registry;
  }

  @Override
  public HealthCheckResponse check(HealthCheckRequest request, ServerContext context) {
    ServingStatus status = registry.get(request.getService());
    if (status == null) {
      throw new StatusException(Status.NOT_FOUND.withDescription("unknown service '" + request.getService() + "'"));
    }
    return response(status);
  }

  /**
   * Sends the current status, then each change, until the client goes or the server cancels the
   * call (shutdownNow). Changes that follow each other faster than the client reads are coalesced:
   * the client always ends up with the latest status, never with a stale one.
   */
  @Override
  public void watch(HealthCheckRequest request, ServerStream<HealthCheckResponse, HealthCheckRequest> responses) {
    ServerContext context = responses.context();
    ServingStatus last = null;
    try {
      while (true) {
        ServingStatus now = registry.awaitChange(request.getService(), last, context::isCancelled);
        if (now == null) {
          return;
        }
        responses.send(response(now));
        last = now;
      }
    } catch (InterruptedException e) {
      // Only a cancellation interrupts a handler; the call has already ended, so the status is moot.
      throw new StatusException(Status.CANCELLED.withDescription("watch cancelled"));
    }
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }
}
