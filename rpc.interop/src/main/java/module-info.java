/**
 * The standard gRPC interoperability test service ({@code grpc.testing.TestService}): a server that
 * implements it and a client that runs the interop test cases against any gRPC server, both
 * runnable from the command line ({@link rpc.interop.InteropServer}, {@link rpc.interop.InteropClient}).
 *
 * <p>The generated messages and service classes are exported as {@code rpc.interop.testing}, so a
 * test elsewhere may call or serve {@code TestService} itself.
 */
module rpc.interop {
  requires transitive rpc.api;
  requires transitive rpc.codec.protobuf;
  requires rpc.transport.jetty;
  requires java.logging;

  exports rpc.interop;
  exports rpc.interop.testing;
}
