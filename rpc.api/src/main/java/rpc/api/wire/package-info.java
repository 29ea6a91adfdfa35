/**
 * Helpers for transports that carry gRPC over HTTP/2: message framing (the 5-byte prefix),
 * {@code grpc-timeout} values, {@code grpc-message} percent-encoding, binary metadata, and the
 * mapping from HTTP status to gRPC status.
 *
 * <p>Stateless helpers are thread-safe; stateful ones (such as a deframer) are not and say so.
 * Null arguments throw {@link java.lang.NullPointerException}.
 */
package rpc.api.wire;
