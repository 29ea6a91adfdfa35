package rpc.testkit;

import java.nio.ByteBuffer;
import rpc.api.Codec;

/**
 * A codec of raw {@code byte[]} messages. Thread-safe and stateless: use {@link #INSTANCE}.
 * Arrays are mutable, so the codec does <em>not</em> declare its messages immutable: a
 * transport must give the receiver its own copy, never the sender's array.
 */
public final class BytesCodec implements Codec<byte[]> {

  /** The one instance. */
  public static final BytesCodec INSTANCE = new BytesCodec();

  private BytesCodec() {}

  @Override
  public int encodedSize(byte[] message) {
    return message.length;
  }

  @Override
  public void encode(byte[] message, ByteBuffer target) {
    target.put(message);
  }

  @Override
  public byte[] decode(ByteBuffer source) {
    byte[] bytes = new byte[source.remaining()];
    source.get(bytes);
    return bytes;
  }

  @Override
  public String toString() {
    return "BytesCodec";
  }
}
