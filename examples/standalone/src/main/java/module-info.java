/** A Greeter server and client over HTTP/2, built on rpc. */
module com.example.greeter {
  requires rpc.api;
  requires rpc.codec.protobuf;   // protobuf messages and generated code; brings com.google.protobuf
  requires rpc.transport.jetty;  // HTTP/2 (h2c and TLS); found through ServiceLoader

  // protobuf-java reaches the generated messages by reflection to print them (toString, TextFormat,
  // JsonFormat); without this line toString() throws IllegalStateException on the module path.
  // Calls work either way. `opens ... to com.google.protobuf` works too but is not needed: the
  // accessors protobuf calls are public.
  exports com.example.greeter.proto to com.google.protobuf;
}
