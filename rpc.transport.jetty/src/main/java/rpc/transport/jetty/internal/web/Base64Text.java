package rpc.transport.jetty.internal.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import rpc.api.Status;

/**
 * The base64 body of {@code application/grpc-web-text}, a chunk at a time: the decoder takes text
 * cut anywhere (and, as several clients and proxies send it, with {@code =} padding between
 * independently encoded pieces); the encoder carries up to two bytes over so that only the last
 * piece is padded. Not thread-safe: one per direction of a call.
 */
final class Base64Text {
  private final byte[] quantum = new byte[4];
  private int filled;
  private final byte[] carry = new byte[2];
  private int carried;

  /**
   * The bytes encoded by {@code text}'s remaining characters (and any left over from the last
   * chunk); characters that do not complete a 4-character group wait for the next chunk.
   *
   * @throws rpc.api.StatusException {@code INTERNAL} for a character that is not base64
   */
  ByteBuffer decode(ByteBuffer text) {
    ByteBuffer out = ByteBuffer.allocate((filled + text.remaining()) / 4 * 3 + 3);
    Base64.Decoder decoder = Base64.getDecoder();
    while (text.hasRemaining()) {
      byte c = text.get();
      if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
        continue;
      }
      if (!isBase64(c)) {
        throw Status.INTERNAL.withDescription("grpc-web-text body is not base64: byte 0x"
            + Integer.toHexString(c & 0xFF)).asException();
      }
      quantum[filled++] = c;
      if (filled == 4) {
        filled = 0;
        try {
          out.put(decoder.decode(ByteBuffer.wrap(quantum)));
        } catch (IllegalArgumentException e) {
          throw Status.INTERNAL.withDescription("grpc-web-text body is not base64: "
              + new String(quantum, StandardCharsets.US_ASCII)).asException();
        }
      }
    }
    return out.flip();
  }

  /** {@return whether no partial 4-character group is waiting: false at the end means a truncated body} */
  boolean atBoundary() {
    return filled == 0;
  }

  /**
   * {@code data} as base64 text; unless {@code last}, the one or two bytes that do not fill a
   * 3-byte group are kept for the next call, so the stream is padded only at its end.
   */
  ByteBuffer encode(ByteBuffer data, boolean last) {
    int total = carried + data.remaining();
    int take = last ? total : total - total % 3;
    byte[] in = new byte[take];
    int n = Math.min(carried, take);
    System.arraycopy(carry, 0, in, 0, n);
    int fromData = take - n;
    data.get(in, n, fromData);
    // what remains (carry not taken, or data's tail) is carried over
    byte[] rest = new byte[total - take];
    int restCarry = carried - n;
    System.arraycopy(carry, n, rest, 0, restCarry);
    data.get(rest, restCarry, rest.length - restCarry);
    System.arraycopy(rest, 0, carry, 0, rest.length);
    carried = rest.length;
    return ByteBuffer.wrap(Base64.getEncoder().encode(in));
  }

  private static boolean isBase64(byte c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
        || c == '=';
  }
}
