package rpc.api.wire;

import java.nio.ByteBuffer;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * Splits the bytes of one direction of a gRPC stream back into messages, however the bytes were
 * cut into chunks: a prefix may straddle two chunks, one chunk may carry many messages.
 * Not thread-safe: use one deframer per stream direction, from one thread at a time.
 *
 * <p>Idiomatic use, for every chunk that arrives:
 * <pre>{@code
 * MessageDeframer.Frame frame;
 * while ((frame = deframer.next(chunk)) != null) {
 *   handle(frame);          // before the next call to next(), and before chunk is recycled
 * }
 * // chunk is used up; at end of stream, deframer.isAtMessageBoundary() must be true
 * }</pre>
 *
 * <p>A message that lies wholly inside one chunk is returned as a slice of that chunk, without
 * copying; a message that spans chunks is collected into a buffer the deframer owns (small ones
 * reuse the same buffer). Either way the payload is valid only until the next call to
 * {@link #next} and while the chunk's contents stay unchanged.
 */
public final class MessageDeframer {
  /** Buffers up to this size are kept for the next split message instead of being dropped. */
  private static final int REUSE_LIMIT = 64 * 1024;

  /**
   * One complete message as it was framed.
   *
   * @param compressed whether the compressed flag was set (the payload must be decompressed with the
   *     stream's {@code grpc-encoding})
   * @param payload the message bytes, from position to limit
   */
  public record Frame(boolean compressed, ByteBuffer payload) {}

  private final int maxMessageSize;
  private final java.util.function.LongFunction<Status> tooLarge;
  private final byte[] header = new byte[MessageFraming.HEADER_LENGTH];
  private int headerFill;
  private boolean compressed;
  private int length = -1; // -1 while the prefix is incomplete
  private ByteBuffer collecting;
  private ByteBuffer spare;

  /**
   * A deframer that rejects messages longer than {@code maxMessageSize} bytes.
   *
   * @param maxMessageSize the largest message length accepted, in bytes
   * @throws IllegalArgumentException if {@code maxMessageSize} is negative
   */
  public MessageDeframer(int maxMessageSize) {
    this(maxMessageSize, size -> Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size "
        + maxMessageSize + ": " + size));
  }

  /**
   * A deframer that rejects messages longer than {@code maxMessageSize} bytes with the status
   * {@code tooLarge} makes of the announced length (see {@link MessageLimit}, which says whose limit
   * it is).
   *
   * @param maxMessageSize the largest message length accepted, in bytes
   * @param tooLarge makes the status for an announced length past the limit
   * @throws IllegalArgumentException if {@code maxMessageSize} is negative
   */
  public MessageDeframer(int maxMessageSize, java.util.function.LongFunction<Status> tooLarge) {
    if (maxMessageSize < 0) {
      throw new IllegalArgumentException("maxMessageSize < 0: " + maxMessageSize);
    }
    this.maxMessageSize = maxMessageSize;
    this.tooLarge = java.util.Objects.requireNonNull(tooLarge, "tooLarge");
  }

  /** {@return the largest message length accepted, in bytes} */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /**
   * Consumes bytes from {@code source} until one message is complete and returns it, or returns null
   * once {@code source} is used up without completing one. Bytes after a returned message stay in
   * {@code source} for the next call.
   *
   * @param source the bytes received
   * @return the next message, or null if {@code source} ran out first
   * @throws StatusException {@code RESOURCE_EXHAUSTED} if a prefix announces a message longer than
   *     the maximum; {@code INTERNAL} if the flag byte has bits other than the compressed bit. The
   *     stream cannot be read further after either.
   */
  public Frame next(ByteBuffer source) {
    if (length < 0 && !readHeader(source)) {
      return null;
    }
    if (collecting == null) {
      if (source.remaining() >= length) {
        int start = source.position();
        ByteBuffer payload = source.slice(start, length);
        source.position(start + length);
        return finish(payload);
      }
      collecting = spare != null && spare.capacity() >= length ? spare.clear().limit(length) : ByteBuffer.allocate(length);
      spare = null;
    }
    int n = Math.min(source.remaining(), collecting.remaining());
    collecting.put(collecting.position(), source, source.position(), n);
    collecting.position(collecting.position() + n);
    source.position(source.position() + n);
    if (collecting.hasRemaining()) {
      return null;
    }
    ByteBuffer payload = collecting.flip();
    collecting = null;
    if (payload.capacity() <= REUSE_LIMIT) {
      spare = payload;
    }
    return finish(payload);
  }

  private Frame finish(ByteBuffer payload) {
    Frame frame = new Frame(compressed, payload);
    length = -1;
    headerFill = 0;
    return frame;
  }

  private boolean readHeader(ByteBuffer source) {
    if (headerFill == 0 && source.remaining() >= MessageFraming.HEADER_LENGTH) {
      int pos = source.position();
      parseHeader(source.get(pos), source.getInt(pos + 1));
      source.position(pos + MessageFraming.HEADER_LENGTH);
      return true;
    }
    while (headerFill < MessageFraming.HEADER_LENGTH && source.hasRemaining()) {
      header[headerFill++] = source.get();
    }
    if (headerFill < MessageFraming.HEADER_LENGTH) {
      return false;
    }
    int len = ((header[1] & 0xFF) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
    parseHeader(header[0], len);
    return true;
  }

  private void parseHeader(byte flag, int len) {
    if ((flag & ~MessageFraming.COMPRESSED) != 0) {
      throw Status.INTERNAL.withDescription(
          "gRPC frame header malformed: reserved bits set in flag byte 0x" + Integer.toHexString(flag & 0xFF))
          .asException();
    }
    // A length of 2^31 or more reads as negative: too large either way.
    if (len < 0 || len > maxMessageSize) {
      throw tooLarge.apply(Integer.toUnsignedLong(len)).asException();
    }
    compressed = flag == MessageFraming.COMPRESSED;
    length = len;
  }

  /**
   * Whether the bytes consumed so far end exactly at a message boundary. At the end of a stream a
   * false answer means the peer sent a truncated message.
   *
   * @return true if no message is partly read
   */
  public boolean isAtMessageBoundary() {
    return length < 0 && headerFill == 0;
  }

  /** Drops any partly collected message and the reusable buffer. */
  public void reset() {
    length = -1;
    headerFill = 0;
    collecting = null;
    spare = null;
  }
}
