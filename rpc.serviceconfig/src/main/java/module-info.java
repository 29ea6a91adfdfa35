/**
 * Reads a gRPC service config from JSON text into the object model
 * {@code rpc.api.Channel.Builder.defaultServiceConfig} takes. See
 * {@link rpc.serviceconfig.ServiceConfigJson}.
 */
module rpc.serviceconfig {
  requires transitive rpc.api;
  requires com.google.gson;

  exports rpc.serviceconfig;
}
