package rpc.api.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import rpc.api.Codec;

/** UTF-8 strings: the codec of rpc.api's own tests (rpc.testkit, which has one, depends on rpc.api). Immutable. */
public final class Utf8Codec implements Codec<String> {
  /** The one instance. */
  public static final Utf8Codec INSTANCE = new Utf8Codec();

  private Utf8Codec() {}

  @Override
  public int encodedSize(String message) {
    return message.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public void encode(String message, ByteBuffer target) {
    target.put(message.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String decode(ByteBuffer source) {
    return StandardCharsets.UTF_8.decode(source).toString();
  }
}
