package rpc.transport.jetty.internal.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import rpc.api.Status;

/**
 * The base64 body of {@code application/grpc-web-text}: the decoder takes text a chunk at a time,
 * cut anywhere, and with {@code =} padding between independently encoded pieces (as clients,
 * proxies and this server's own encoder send it); the encoder turns each frame into a piece of its
 * own, padded, because gRPC-Web's PROTOCOL-WEB wants every message encoded and flushed atomically:
 * bytes carried over to the next frame would keep a client from decoding this one until then.
 * Not thread-safe: one decoder per request.
 */
final class Base64Text {
  private final byte[] quantum = new byte[4];
  private int filled;

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

  /** {@return one frame's remaining bytes (consumed) as base64 text, padded: a piece decodable by itself} */
  static ByteBuffer encode(ByteBuffer frame) {
    return Base64.getEncoder().encode(frame);
  }

  private static boolean isBase64(byte c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
        || c == '=';
  }
}
