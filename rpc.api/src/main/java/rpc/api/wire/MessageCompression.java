package rpc.api.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import rpc.api.Status;

/**
 * Message compression as gRPC negotiates it: {@code identity} (none) and {@code gzip}. A sender names
 * its encoding in {@code grpc-encoding} and sets the compressed flag on each compressed message; a
 * receiver lists what it can decode in {@code grpc-accept-encoding}.
 * Thread-safe (stateless).
 */
public final class MessageCompression {

  /** No compression. */
  public static final String IDENTITY = "identity";
  /** gzip (RFC 1952). */
  public static final String GZIP = "gzip";
  /** The {@code grpc-accept-encoding} value for what this class decodes. */
  public static final String ACCEPT_ENCODING = GZIP;

  private MessageCompression() {}

  /**
   * Whether {@code encoding} ({@code identity}, {@code gzip}) can be encoded and decoded here.
   *
   * @param encoding the encoding's name
   * @return true if it is supported
   */
  public static boolean isSupported(String encoding) {
    return IDENTITY.equalsIgnoreCase(encoding) || GZIP.equalsIgnoreCase(encoding);
  }

  /**
   * {@code encoding} in lower case, checked: the one place an application's choice of compression is
   * validated, whatever the transport.
   *
   * @param encoding the encoding's name
   * @return the name in lower case
   * @throws IllegalArgumentException naming the encodings supported, if {@code encoding} is not one
   */
  public static String requireSupported(String encoding) {
    java.util.Objects.requireNonNull(encoding, "encoding");
    if (!isSupported(encoding)) {
      throw new IllegalArgumentException("unsupported compression '" + encoding + "' (supported: " + IDENTITY + ", "
          + ACCEPT_ENCODING + ")");
    }
    return encoding.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a {@code grpc-accept-encoding} header value (a comma-separated list, possibly null) lists
   * {@code encoding}. {@code identity} is always accepted.
   *
   * @param acceptEncoding the header value, or null
   * @param encoding the encoding's name
   * @return true if the peer accepts {@code encoding}
   */
  public static boolean accepts(String acceptEncoding, String encoding) {
    if (IDENTITY.equalsIgnoreCase(encoding)) {
      return true;
    }
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      if (part.strip().equalsIgnoreCase(encoding)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Compresses {@code source}'s remaining bytes (consuming them) with {@code encoding}.
   *
   * @param encoding the encoding's name
   * @param source the bytes to compress
   * @return the compressed bytes
   * @throws IllegalArgumentException if the encoding is not supported
   */
  public static byte[] compress(String encoding, ByteBuffer source) {
    String e = encoding.toLowerCase(Locale.ROOT);
    if (e.equals(IDENTITY)) {
      byte[] out = new byte[source.remaining()];
      source.get(out);
      return out;
    }
    if (!e.equals(GZIP)) {
      throw new IllegalArgumentException("unsupported message encoding: " + encoding);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(64, source.remaining() / 2));
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 8192)) {
      if (source.hasArray()) {
        gz.write(source.array(), source.arrayOffset() + source.position(), source.remaining());
        source.position(source.limit());
      } else {
        byte[] chunk = new byte[Math.min(8192, source.remaining())];
        while (source.hasRemaining()) {
          int n = Math.min(chunk.length, source.remaining());
          source.get(chunk, 0, n);
          gz.write(chunk, 0, n);
        }
      }
    } catch (IOException e1) {
      throw new IllegalStateException("in-memory gzip failed", e1);
    }
    return bytes.toByteArray();
  }

  /**
   * Decompresses {@code source}'s remaining bytes (consuming them) with {@code encoding}.
   *
   * @param maxSize the largest decompressed size accepted
   * @param encoding the encoding's name
   * @param source the compressed bytes
   * @return the decompressed bytes
   * @throws rpc.api.StatusException {@code RESOURCE_EXHAUSTED} if the result would exceed
   *     {@code maxSize}; {@code INTERNAL} if the data is corrupt; {@code UNIMPLEMENTED} if the
   *     encoding is not supported
   */
  public static ByteBuffer decompress(String encoding, ByteBuffer source, int maxSize) {
    String e = encoding.toLowerCase(Locale.ROOT);
    if (e.equals(IDENTITY)) {
      if (source.remaining() > maxSize) {
        throw tooLarge(maxSize);
      }
      ByteBuffer out = ByteBuffer.allocate(source.remaining()).put(source).flip();
      return out;
    }
    if (!e.equals(GZIP)) {
      throw Status.UNIMPLEMENTED.withDescription("unsupported message encoding: " + encoding).asException();
    }
    try (InputStream in = new GZIPInputStream(new BufferInput(source), 8192)) {
      byte[] buf = new byte[Math.max(256, Math.min(maxSize, source.remaining() * 4) + 1)];
      int size = 0;
      while (true) {
        if (size == buf.length) {
          if (size > maxSize) {
            throw tooLarge(maxSize);
          }
          buf = java.util.Arrays.copyOf(buf, (int) Math.min((long) maxSize + 1, (long) size * 2));
        }
        int n = in.read(buf, size, buf.length - size);
        if (n < 0) {
          break;
        }
        size += n;
        if (size > maxSize) {
          throw tooLarge(maxSize);
        }
      }
      return ByteBuffer.wrap(buf, 0, size).slice();
    } catch (ZipException | java.io.EOFException ex) {
      throw Status.INTERNAL.withDescription("corrupt gzip message: " + ex.getMessage()).withCause(ex).asException();
    } catch (IOException ex) {
      throw Status.INTERNAL.withDescription("could not decompress message: " + ex).withCause(ex).asException();
    }
  }

  private static rpc.api.StatusException tooLarge(int maxSize) {
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "decompressed gRPC message exceeds maximum size " + maxSize).asException();
  }

  /** An InputStream over a ByteBuffer's remaining bytes. */
  private static final class BufferInput extends InputStream {
    private final ByteBuffer buffer;

    BufferInput(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public int read() {
      return buffer.hasRemaining() ? buffer.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!buffer.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, buffer.remaining());
      buffer.get(b, off, n);
      return n;
    }

    @Override
    public int available() {
      return buffer.remaining();
    }
  }
}
