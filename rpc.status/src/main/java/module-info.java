/**
 * gRPC's rich error model: a {@code google.rpc.Status} with typed details, carried in the
 * {@code grpc-status-details-bin} trailer. See {@link rpc.status.StatusProto}.
 */
module rpc.status {
  requires transitive rpc.api;
  requires transitive com.google.protobuf;
  requires transitive proto.google.common.protos;

  exports rpc.status;
}
