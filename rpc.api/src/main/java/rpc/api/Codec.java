package rpc.api;

import java.nio.ByteBuffer;

/**
 * Turns messages of type {@code T} into bytes and back.
 * Implementations must be thread-safe and stateless: one codec serves every call at once.
 *
 * <p>The transport asks {@link #encodedSize} first, then lets {@link #encode} write exactly that
 * many bytes into a buffer it owns (usually pooled), so a message is serialized once, with no
 * intermediate {@code byte[]}. A codec whose messages are {@linkplain #immutableMessages()
 * immutable} lets the in-process transport hand messages across by reference.
 *
 * @param <T> the message type
 */
public interface Codec<T> {

  /**
   * The exact number of bytes {@link #encode} will write for {@code message}.
   *
   * @param message the message
   * @return its encoded size in bytes
   */
  int encodedSize(T message);

  /**
   * Writes {@code message} into {@code target} at its position, advancing the position by exactly
   * {@link #encodedSize(Object) encodedSize(message)} bytes. {@code target} has at least that many
   * bytes remaining.
   *
   * @param message the message
   * @param target the buffer to write into
   */
  void encode(T message, ByteBuffer target);

  /**
   * Reads one whole message from {@code source}'s remaining bytes. {@code source} may be a view of
   * a transport's pooled network buffer, reused once this method returns: the message must not keep
   * a reference to it (copy what it needs).
   *
   * @param source the message's bytes
   * @return the message
   * @throws StatusException (usually {@code INTERNAL}) or any runtime exception when the bytes are
   *     not a valid message; transports report it as {@code INTERNAL}
   */
  T decode(ByteBuffer source);

  /**
   * Whether messages are deeply immutable, so the same instance may be given to the receiver
   * without copying (the in-process transport does so when the sender's and receiver's codecs are
   * {@linkplain Object#equals equal}). Defaults to false.
   *
   * @return true if messages may be shared without copying
   */
  default boolean immutableMessages() {
    return false;
  }

  /**
   * The name of this codec's wire format, as content types spell it: {@code proto} (the default)
   * for {@code application/grpc} and {@code application/grpc+proto}, {@code json} for
   * {@code application/grpc+json} and the JSON forms of gRPC-Web and the Connect protocol. A
   * network transport sends a format other than {@code proto} as the content-subtype.
   *
   * @return the format's name, in lower case
   */
  default String format() {
    return "proto";
  }

  /**
   * A codec for the same messages in the wire format named {@code format} ({@code proto} or
   * {@code json}), or null if this codec has none. A server uses it to answer clients that ask for
   * another format (for example {@code application/json}). Defaults to this codec for its own
   * {@link #format()} and null for any other.
   *
   * @param format the format's name, in lower case
   * @return the codec for that format, or null
   */
  default Codec<T> inFormat(String format) {
    return format().equals(format) ? this : null;
  }

  /**
   * Convenience: the encoded form of {@code message} in a new array.
   *
   * @param message the message
   * @return its encoded bytes
   */
  default byte[] toByteArray(T message) {
    byte[] out = new byte[encodedSize(message)];
    ByteBuffer buf = ByteBuffer.wrap(out);
    encode(message, buf);
    if (buf.hasRemaining()) {
      throw new IllegalStateException("codec wrote " + buf.position() + " bytes, promised " + out.length);
    }
    return out;
  }

  /**
   * Convenience: decodes a whole array.
   *
   * @param bytes one whole encoded message
   * @return the message
   */
  default T fromByteArray(byte[] bytes) {
    return decode(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
  }
}
