package rpc.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import rpc.api.Codec;

/**
 * A codec of {@link String} messages in UTF-8 that declares its messages immutable, so a transport
 * that can may hand them across by reference. Thread-safe and stateless: use {@link #INSTANCE}.
 */
public final class StringCodec implements Codec<String> {

  /** The one instance. */
  public static final StringCodec INSTANCE = new StringCodec();

  private StringCodec() {}

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
    byte[] bytes = new byte[source.remaining()];
    source.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Always true: strings are immutable. */
  @Override
  public boolean immutableMessages() {
    return true;
  }

  @Override
  public String toString() {
    return "StringCodec";
  }
}
