/**
 * gRPC's rich error model on rpc: {@link rpc.status.StatusProto} turns a {@code google.rpc.Status}
 * (code, message, and details such as {@code BadRequest}, {@code RetryInfo}, {@code ErrorInfo})
 * into the {@link rpc.api.StatusException} a handler throws, and reads it back on the client.
 */
package rpc.status;
