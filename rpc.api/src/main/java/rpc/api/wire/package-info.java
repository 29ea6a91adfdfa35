/**
 * Helpers for transports that carry gRPC over HTTP/2, so every such transport speaks the protocol
 * the same way: message framing ({@link rpc.api.wire.MessageFraming},
 * {@link rpc.api.wire.MessageDeframer}), {@code grpc-timeout} values
 * ({@link rpc.api.wire.GrpcTimeout}), {@code grpc-message} percent-encoding
 * ({@link rpc.api.wire.StatusMessage}), header names, reserved keys and binary metadata
 * ({@link rpc.api.wire.GrpcHeaders}), compression ({@link rpc.api.wire.MessageCompression}), and
 * the mapping from HTTP status and HTTP/2 error codes to gRPC status
 * ({@link rpc.api.wire.HttpStatusMapping}).
 *
 * <p>Stateless helpers are thread-safe; stateful ones (such as a deframer) are not and say so.
 * Null arguments throw {@link java.lang.NullPointerException}.
 */
package rpc.api.wire;
