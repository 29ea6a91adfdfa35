/**
 * Generated from {@code grpc/health/v1/health.proto}: the messages of {@code grpc.health.v1} and
 * {@link rpc.services.health.v1.HealthRpc}, whose {@code newClient(channel)} calls the health
 * service of any gRPC server. Servers use {@link rpc.services.HealthService} instead of
 * implementing {@code HealthRpc.Service}.
 *
 * <p>Messages are immutable; the client is thread-safe.
 */
package rpc.services.health.v1;
