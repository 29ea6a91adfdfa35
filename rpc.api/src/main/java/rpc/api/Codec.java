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

  /** The exact number of bytes {@link #encode} will write for {@code message}. */
  int encodedSize(T message);

  /**
   * Writes {@code message} into {@code target} at its position, advancing the position by exactly
   * {@link #encodedSize(Object) encodedSize(message)} bytes. {@code target} has at least that many
   * bytes remaining.
   */
  void encode(T message, ByteBuffer target);

  /**
   * Reads one whole message from {@code source}'s remaining bytes. {@code source} may be a view of
   * a transport's pooled network buffer, reused once this method returns: the message must not keep
   * a reference to it (copy what it needs).
   *
   * @throws StatusException (usually {@code INTERNAL}) or any runtime exception when the bytes are
   *     not a valid message; transports report it as {@code INTERNAL}
   */
  T decode(ByteBuffer source);

  /**
   * Whether messages are deeply immutable, so the same instance may be given to the receiver
   * without copying (the in-process transport does so when the sender's and receiver's codecs are
   * {@linkplain Object#equals equal}). Defaults to false.
   */
  default boolean immutableMessages() {
    return false;
  }

  /** Convenience: the encoded form of {@code message} in a new array. */
  default byte[] toByteArray(T message) {
    byte[] out = new byte[encodedSize(message)];
    ByteBuffer buf = ByteBuffer.wrap(out);
    encode(message, buf);
    if (buf.hasRemaining()) {
      throw new IllegalStateException("codec wrote " + buf.position() + " bytes, promised " + out.length);
    }
    return out;
  }

  /** Convenience: decodes a whole array. */
  default T fromByteArray(byte[] bytes) {
    return decode(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
  }
}
