/** Protobuf {@link rpc.api.Codec}s for generated message types, binary and JSON. */
module rpc.codec.protobuf {
  requires transitive rpc.api;
  requires transitive com.google.protobuf;
  // JsonFormat (ProtobufJsonCodec): its type registry is part of this module's API
  requires transitive com.google.protobuf.util;
  // What JsonFormat parses and prints with. protobuf-java-util is an automatic module, which cannot
  // say so itself, and Gson is a named one: without this, nothing would put it in the module graph.
  requires com.google.gson;

  exports rpc.codec.protobuf;
}
