/** Protobuf {@link rpc.api.Codec}s for generated message types. */
module rpc.codec.protobuf {
  requires transitive rpc.api;
  requires transitive com.google.protobuf;

  exports rpc.codec.protobuf;
}
