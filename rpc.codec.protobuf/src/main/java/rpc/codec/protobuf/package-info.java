/**
 * Protobuf codecs: {@link rpc.codec.protobuf.ProtobufCodec} serializes any generated message type,
 * {@link rpc.codec.protobuf.ProtobufJsonCodec} writes it as JSON, and each offers the other through
 * {@link rpc.api.Codec#inFormat}.
 *
 * <p>Everything here is thread-safe. A null argument throws {@link java.lang.NullPointerException}.
 */
package rpc.codec.protobuf;
