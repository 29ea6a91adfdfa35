package rpc.services;

import java.util.Objects;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.services.health.v1.HealthCheckResponse.ServingStatus;
import rpc.services.health.v1.HealthRpc;
import rpc.services.internal.HealthHandler;
import rpc.services.internal.HealthRegistry;

/**
 * The standard gRPC health service, {@code grpc.health.v1.Health}: reports whether the server as a
 * whole, or one of its services, can take calls. It is what {@code grpc_health_probe}, Kubernetes
 * gRPC probes and client-side health checking of gRPC load balancers call.
 * Thread-safe: statuses may be set from any thread while calls read them.
 *
 * <p>Statuses are kept per service name ({@code package.Service}); the empty name {@code ""} stands
 * for the server as a whole and is {@code SERVING} from creation. Services are not registered
 * automatically: {@link #setStatus} the ones clients should be able to ask about.
 *
 * <ul>
 *   <li>{@code Check} answers the current status, or fails with {@code NOT_FOUND} for a name that
 *       has none.
 *   <li>{@code Watch} sends the current status at once ({@code SERVICE_UNKNOWN} for a name that has
 *       none; the call stays open), then a message each time the status changes. Changes faster
 *       than the client reads are coalesced to the latest.
 * </ul>
 *
 * <p>Shutdown: {@link #attach(Server)} makes the start of the server's shutdown call
 * {@link #enterShutdown()}, which turns every status to {@code NOT_SERVING}. Open {@code Watch}
 * calls receive that {@code NOT_SERVING} and stay open: a graceful {@link Server#shutdown()}
 * waits for them like for any call in flight, until the client ends them or
 * {@link Server#shutdownNow()} cancels them. A server with watching clients should therefore follow {@code shutdown()} with
 * {@code awaitTermination(grace)} and then {@code shutdownNow()}.
 *
 * <pre>{@code
 * HealthService health = HealthService.create();
 * Server server = Server.newBuilder()
 *     .listen("127.0.0.1:50051")
 *     .addService(greeter.bindService())
 *     .addService(health.definition())
 *     .build();
 * health.attach(server);
 * health.setStatus("helloworld.Greeter", ServingStatus.SERVING);
 * server.start();
 * }</pre>
 */
public final class HealthService {
  private final HealthRegistry registry = new HealthRegistry();
  private final ServiceDefinition definition = HealthRpc.serviceDefinition(new HealthHandler(registry));

  private HealthService() {}

  /**
   * A health service where the server as a whole ({@code ""}) is {@code SERVING}.
   *
   * @return a new health service
   */
  public static HealthService create() {
    return new HealthService();
  }

  /**
   * {@return the service definition of {@code grpc.health.v1.Health}, for
   * {@code Server.Builder.addService}}
   */
  public ServiceDefinition definition() {
    return definition;
  }

  /**
   * Makes {@code server}'s shutdown, once it begins, call {@link #enterShutdown()}. Call it after
   * {@code build()}, before or after {@code start()}. One health service may be attached to
   * several servers that serve it; the first to shut down turns every status to
   * {@code NOT_SERVING}.
   *
   * @param server a server built with {@link #definition()}
   * @throws IllegalArgumentException if {@code server} does not serve {@link #definition()}
   */
  public void attach(Server server) {
    Objects.requireNonNull(server, "server");
    if (server.services().stream().noneMatch(s -> s == definition)) {
      throw new IllegalArgumentException(
          "the server does not serve this health service: add health.definition() to its builder");
    }
    server.onShutdown(this::enterShutdown);
  }

  /**
   * Sets the status of {@code service} ({@code package.Service}, or {@code ""} for the whole
   * server); open {@code Watch} calls on it receive the new status. Has no effect after
   * {@link #enterShutdown()}.
   *
   * @param status {@code SERVING}, {@code NOT_SERVING} or {@code UNKNOWN}
   * @param service the service name, or {@code ""}
   * @throws IllegalArgumentException for {@code SERVICE_UNKNOWN} (use {@link #clearStatus}) or
   *     {@code UNRECOGNIZED}
   */
  public void setStatus(String service, ServingStatus status) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(status, "status");
    if (status == ServingStatus.SERVICE_UNKNOWN || status == ServingStatus.UNRECOGNIZED) {
      throw new IllegalArgumentException(status + " cannot be set: it is what Watch reports for a service without "
          + "status (use clearStatus)");
    }
    registry.set(service, status);
  }

  /**
   * Forgets the status of {@code service}: {@code Check} then fails with {@code NOT_FOUND} and open
   * {@code Watch} calls receive {@code SERVICE_UNKNOWN}. Has no effect after
   * {@link #enterShutdown()}.
   *
   * @param service the service name, or {@code ""}
   */
  public void clearStatus(String service) {
    registry.clear(Objects.requireNonNull(service, "service"));
  }

  /**
   * The status of {@code service}, or null if it has none.
   *
   * @param service the service name, or {@code ""}
   * @return the status, or null
   */
  public ServingStatus status(String service) {
    return registry.get(Objects.requireNonNull(service, "service"));
  }

  /**
   * Turns every status to {@code NOT_SERVING} and keeps it so: later {@link #setStatus} and
   * {@link #clearStatus} calls have no effect. For a server about to go away; an attached server
   * calls it when its shutdown begins. Idempotent.
   */
  public void enterShutdown() {
    registry.enterShutdown();
  }

  @Override
  public String toString() {
    return "HealthService{shutdown=" + registry.isShutdown() + "}";
  }
}
