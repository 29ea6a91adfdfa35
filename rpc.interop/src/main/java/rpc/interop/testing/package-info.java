/**
 * The {@code grpc.testing} messages and services, generated from the {@code .proto} files in
 * {@code src/main/protobuf}: {@code TestServiceRpc} and {@code UnimplementedServiceRpc} (by
 * rpc.codegen) and the protobuf message classes (by protoc).
 *
 * <p>Messages are immutable; the generated clients are thread-safe.
 */
package rpc.interop.testing;
