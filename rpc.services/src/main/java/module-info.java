/**
 * The standard gRPC services for an rpc server: health checking ({@code grpc.health.v1.Health},
 * {@link rpc.services.HealthService}) and server reflection ({@code grpc.reflection.v1} and
 * {@code v1alpha}, {@link rpc.services.ReflectionService}), so grpcurl, grpc_health_probe and
 * Kubernetes gRPC probes work against the server.
 *
 * <p>The generated packages are exported too, for clients that call these services with rpc's
 * own generated clients ({@code HealthRpc.newClient(channel)}); their signatures show protobuf
 * types, hence {@code requires transitive rpc.codec.protobuf}.
 */
module rpc.services {
  requires transitive rpc.api;
  requires transitive rpc.codec.protobuf;

  exports rpc.services;
  exports rpc.services.health.v1;
  exports rpc.services.reflection.v1;
  exports rpc.services.reflection.v1alpha;
}
