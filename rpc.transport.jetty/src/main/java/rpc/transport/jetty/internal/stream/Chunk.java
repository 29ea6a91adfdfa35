package rpc.transport.jetty.internal.stream;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;

/**
 * A buffer of framed outbound messages, written to Jetty as one DATA frame (Jetty splits it to the
 * peer's frame size). Small messages share a pooled direct chunk, so messages sent while a write is
 * in flight leave together in the next write; large ones get a chunk of their own.
 *
 * <p>Not thread-safe: owned by one call, used under its lock.
 */
final class Chunk {
  /** The capacity of a shared chunk; also the largest message that is copied into one. */
  static final int SHARED_CAPACITY = 16 * 1024;
  /**
   * The capacity of a shared chunk filled behind a pending write (a stream in full flow): one write
   * then carries four 16 KiB DATA frames, which Jetty sends with one system call.
   */
  static final int FLOW_CAPACITY = 64 * 1024;
  /** Messages up to this size are encoded into pooled direct buffers; larger ones into the heap. */
  static final int POOLED_LIMIT = 64 * 1024;

  private final RetainableByteBuffer pooled; // null for heap chunks
  private final ByteBuffer buffer; // fill mode until flipped for writing
  private boolean sealed;

  private Chunk(RetainableByteBuffer pooled, ByteBuffer buffer) {
    this.pooled = pooled;
    this.buffer = buffer;
  }

  /** A chunk with room for at least {@code capacity} bytes. */
  static Chunk allocate(ByteBufferPool pool, int capacity) {
    if (capacity <= POOLED_LIMIT) {
      RetainableByteBuffer r = pool.acquire(capacity, true);
      ByteBuffer b = r.getByteBuffer();
      b.clear();
      return new Chunk(r, b);
    }
    return new Chunk(null, ByteBuffer.allocate(capacity));
  }

  /** The buffer to encode into (at its position), while not {@link #seal sealed}. */
  ByteBuffer fill() {
    return buffer;
  }

  /** Bytes written so far. */
  int size() {
    return sealed ? buffer.remaining() : buffer.position();
  }

  /** Whether {@code bytes} more fit. */
  boolean hasRoom(int bytes) {
    return !sealed && buffer.remaining() >= bytes;
  }

  /** Ends filling; returns the bytes to write. */
  ByteBuffer seal() {
    if (!sealed) {
      sealed = true;
      buffer.flip();
    }
    return buffer;
  }

  /** Returns the buffer to its pool. Idempotent only through the caller's bookkeeping: call once. */
  void release() {
    if (pooled != null) {
      pooled.release();
    }
  }
}
