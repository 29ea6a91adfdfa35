/**
 * Protobuf codecs: {@link rpc.codec.protobuf.ProtobufCodec} serializes any generated message type.
 *
 * <p>Everything here is thread-safe. A null argument throws {@link java.lang.NullPointerException}.
 */
package rpc.codec.protobuf;
