/**
 * The standard gRPC services: {@link rpc.services.HealthService} and
 * {@link rpc.services.ReflectionService}.
 *
 * <p>Both are added to a server as service definitions and then attached to the built server,
 * because what they report depends on it (its shutdown, its list of services):
 *
 * <pre>{@code
 * HealthService health = HealthService.create();
 * ReflectionService reflection = ReflectionService.create();
 * Server server = Server.newBuilder()
 *     .listen("127.0.0.1:50051")
 *     .addService(new Greeter().bindService())
 *     .addService(health.definition())
 *     .addService(reflection.definition())          // grpc.reflection.v1
 *     .addService(reflection.v1alphaDefinition())   // grpc.reflection.v1alpha, for older tools
 *     .build();
 * health.attach(server);
 * reflection.attach(server);
 * server.start();
 * }</pre>
 *
 * <p>Defaults for this package: a null argument throws {@link java.lang.NullPointerException}
 * unless a method says otherwise. Handlers of these services run on the server's handler threads
 * like any other service's.
 */
package rpc.services;
