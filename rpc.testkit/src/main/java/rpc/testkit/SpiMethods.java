package rpc.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import rpc.api.MethodDescriptor;
import rpc.api.MethodDescriptor.Kind;

/**
 * The methods and messages of the transport-level conformance group. Immutable.
 *
 * <p>Every method carries {@code byte[]} with {@link BytesCodec}, which does not declare its
 * messages immutable: the in-process transport must serialize them as a network transport does,
 * so both take the same path through their codecs.
 */
final class SpiMethods {
  static final String SERVICE = "rpc.testkit.Spi";

  static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", Kind.UNARY);
  static final MethodDescriptor<byte[], byte[]> CLIENT_STREAMING = method("ClientStreaming", Kind.CLIENT_STREAMING);
  static final MethodDescriptor<byte[], byte[]> SERVER_STREAMING = method("ServerStreaming", Kind.SERVER_STREAMING);
  static final MethodDescriptor<byte[], byte[]> BIDI_STREAMING = method("BidiStreaming", Kind.BIDI_STREAMING);
  /** Answered by the server on its own: a round trip that orders the test against earlier calls. */
  static final MethodDescriptor<byte[], byte[]> BARRIER = method("Barrier", Kind.UNARY);
  /** Never registered on the server. */
  static final MethodDescriptor<byte[], byte[]> UNKNOWN_UNARY = method("NoSuchUnary", Kind.UNARY);
  /** Never registered on the server. */
  static final MethodDescriptor<byte[], byte[]> UNKNOWN_BIDI = method("NoSuchBidi", Kind.BIDI_STREAMING);

  /** What the server registers. */
  static final List<MethodDescriptor<byte[], byte[]>> REGISTERED =
      List.of(UNARY, CLIENT_STREAMING, SERVER_STREAMING, BIDI_STREAMING, BARRIER);

  /** The size of the messages that fill flow-control windows quickly. */
  static final int LARGE = 64 * 1024;

  private SpiMethods() {}

  private static MethodDescriptor<byte[], byte[]> method(String name, Kind kind) {
    return MethodDescriptor.of(MethodDescriptor.fullName(SERVICE, name), kind, BytesCodec.INSTANCE,
        BytesCodec.INSTANCE);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] message) {
    return new String(message, StandardCharsets.UTF_8);
  }

  static List<String> texts(List<byte[]> messages) {
    return messages.stream().map(SpiMethods::text).toList();
  }

  /** A {@link #LARGE} message that starts with its index {@code i}. */
  static byte[] large(int i) {
    byte[] b = new byte[LARGE];
    ByteBuffer.wrap(b).putInt(i);
    return b;
  }

  /** The index a {@link #large} message starts with. */
  static int indexOf(byte[] message) {
    return message.length < 4 ? -1 : ByteBuffer.wrap(message).getInt();
  }
}
