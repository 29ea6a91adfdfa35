/**
 * OpenTelemetry for rpc: gRPC's standard metrics (gRFC A66) and a span per call on each side, with
 * the trace context carried in the call's metadata. See {@link rpc.opentelemetry.RpcTelemetry}.
 */
module rpc.opentelemetry {
  requires transitive rpc.api;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;

  exports rpc.opentelemetry;
}
