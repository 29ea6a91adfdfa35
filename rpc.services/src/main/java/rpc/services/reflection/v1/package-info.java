/**
 * Generated from {@code grpc/reflection/v1/reflection.proto}: the messages of
 * {@code grpc.reflection.v1} and {@link rpc.services.reflection.v1.ServerReflectionRpc}, whose
 * {@code newClient(channel)} asks any gRPC server with reflection about its services. Servers use
 * {@link rpc.services.ReflectionService} instead of implementing {@code ServerReflectionRpc.Service}.
 *
 * <p>Messages are immutable; the client is thread-safe.
 */
package rpc.services.reflection.v1;
