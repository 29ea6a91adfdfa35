/**
 * A protoc plugin that generates, for each protobuf {@code service}, a {@code <Service>Rpc} class
 * holding the method descriptors, a typed client and the interface a server implements.
 *
 * <p>Run it through protoc (for example with {@code io.github.ascopes:protobuf-maven-plugin}'s
 * {@code jvm-maven} plugin kind, main class {@link rpc.codegen.ProtocPlugin}). The generated code
 * needs only {@code rpc.api} and {@code rpc.codec.protobuf} at compile time and run time.
 */
module rpc.codegen {
  requires com.google.protobuf;

  exports rpc.codegen;
}
