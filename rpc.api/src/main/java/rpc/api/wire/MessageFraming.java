package rpc.api.wire;

import java.nio.ByteBuffer;

/**
 * The gRPC message prefix: every message on an HTTP/2 stream is sent as a 1-byte compressed flag,
 * a 4-byte big-endian length, and that many bytes of (possibly compressed) payload. Messages may be
 * split across DATA frames, and one DATA frame may carry several messages.
 * Thread-safe (stateless). Read prefixes with {@link MessageDeframer}.
 */
public final class MessageFraming {

  /** The length of the prefix in front of every message: 5 bytes. */
  public static final int HEADER_LENGTH = 5;

  /** The flag byte of a message whose payload is compressed with the stream's {@code grpc-encoding}. */
  public static final byte COMPRESSED = 1;

  /** The flag byte of an uncompressed message. */
  public static final byte UNCOMPRESSED = 0;

  private MessageFraming() {}

  /**
   * Writes a prefix at {@code target}'s position and advances it by {@link #HEADER_LENGTH}.
   *
   * @param target where to write; needs at least 5 bytes remaining
   * @param compressed whether the payload that follows is compressed
   * @param length the payload length in bytes, not negative
   * @throws IllegalArgumentException if {@code length} is negative
   * @throws java.nio.BufferOverflowException if fewer than 5 bytes remain
   */
  public static void writeHeader(ByteBuffer target, boolean compressed, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative message length: " + length);
    }
    target.put(compressed ? COMPRESSED : UNCOMPRESSED);
    target.putInt(length);
  }
}
