package rpc.transport.connect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import rpc.api.Codec;

/**
 * Strings as JSON string literals, a codec whose {@link #format()} is {@code json}: a method using
 * it is called with Connect's JSON content types, and has no binary form (so a call that sent
 * {@code application/proto} instead would be refused). Thread-safe and stateless.
 */
final class JsonStringCodec implements Codec<String> {
  static final JsonStringCodec INSTANCE = new JsonStringCodec();

  private JsonStringCodec() {}

  @Override
  public String format() {
    return "json";
  }

  @Override
  public int encodedSize(String message) {
    return json(message).length;
  }

  @Override
  public void encode(String message, ByteBuffer target) {
    target.put(json(message));
  }

  @Override
  public String decode(ByteBuffer source) {
    byte[] bytes = new byte[source.remaining()];
    source.get(bytes);
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.length() < 2 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
      throw new IllegalArgumentException("not a JSON string: " + text);
    }
    return text.substring(1, text.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
  }

  private static byte[] json(String s) {
    return ("\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").getBytes(StandardCharsets.UTF_8);
  }
}
