package rpc.api.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code grpc-message} header: a status description, UTF-8 encoded and then percent-encoded so
 * it fits in an HTTP/2 header value. Printable ASCII other than {@code %} (0x20–0x7E) is sent as is;
 * every other byte becomes {@code %XX}.
 * Thread-safe (stateless). Decoding is lenient, as the gRPC specification asks: a {@code %} not
 * followed by two hex digits is kept literally, and bytes that are not valid UTF-8 become U+FFFD.
 *
 * <p>Spaces at the very start and end are escaped too ({@code %20}): HTTP/2 forbids header values
 * that begin or end with whitespace (RFC 9113 §8.2.1), and strict peers reject the whole response.
 */
public final class StatusMessage {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private StatusMessage() {}

  /**
   * The header value for a description.
   *
   * @param description the status description
   * @return the {@code grpc-message} value
   */
  public static String encode(String description) {
    int n = description.length();
    int i = 0;
    while (i < n && isPlain(description.charAt(i))) {
      i++;
    }
    if (i == n && (n == 0 || (description.charAt(0) != ' ' && description.charAt(n - 1) != ' '))) {
      return description;
    }
    byte[] utf8 = description.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(utf8.length + 16);
    for (int k = 0; k < utf8.length; k++) {
      int c = utf8[k] & 0xFF;
      boolean edgeSpace = c == ' ' && (k == 0 || k == utf8.length - 1);
      if (isPlain((char) c) && !edgeSpace) {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
      }
    }
    return sb.toString();
  }

  private static boolean isPlain(char c) {
    return c >= 0x20 && c <= 0x7E && c != '%';
  }

  /**
   * The description a header value stands for.
   *
   * @param value the {@code grpc-message} value
   * @return the description
   */
  public static String decode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '%' && i + 2 < n && hex(value.charAt(i + 1)) >= 0 && hex(value.charAt(i + 2)) >= 0) {
        out.write(hex(value.charAt(i + 1)) << 4 | hex(value.charAt(i + 2)));
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        // Not allowed in the header, but keep it rather than lose it.
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}
