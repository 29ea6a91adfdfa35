package rpc.testkit.http2;

import java.nio.ByteBuffer;
import rpc.api.MethodDescriptor;
import rpc.api.ServiceDefinition;
import rpc.testkit.BytesCodec;
import rpc.testkit.StringCodec;

/**
 * The well-behaved service the wire tests call beside the misbehaving ones, to show that the
 * connection and the server survived. Immutable (constants and a stateless service).
 */
final class EchoService {
  static final String NAME = "test.Echo";
  /** Unary: answers {@code "echo:" + request}. */
  static final MethodDescriptor<String, String> UNARY =
      MethodDescriptor.of(NAME + "/Unary", MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
  /** Bidi: answers each message with {@code "re:" + message}. */
  static final MethodDescriptor<String, String> BIDI =
      MethodDescriptor.of(NAME + "/Chat", MethodDescriptor.Kind.BIDI_STREAMING, StringCodec.INSTANCE,
          StringCodec.INSTANCE);
  /**
   * Unary: a 4-byte request is a size (big-endian) and gets {@link #blob} of that size; any other
   * request is echoed.
   */
  static final MethodDescriptor<byte[], byte[]> BLOB =
      MethodDescriptor.of(NAME + "/Blob", MethodDescriptor.Kind.UNARY, BytesCodec.INSTANCE, BytesCodec.INSTANCE);

  private EchoService() {}

  static ServiceDefinition definition() {
    return ServiceDefinition.newBuilder(NAME)
        .unary(UNARY, (req, ctx) -> "echo:" + req)
        .bidiStreaming(BIDI, stream -> {
          String m;
          while ((m = stream.receive()) != null) {
            stream.send("re:" + m);
          }
        })
        .unary(BLOB, (req, ctx) -> req.length == 4 ? blob(ByteBuffer.wrap(req).getInt()) : req)
        .build();
  }

  /** {@code size} bytes counting up from 0 (wrapping), so a lost or reordered frame shows. */
  static byte[] blob(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  /** A {@link #BLOB} request for {@code size} bytes. */
  static byte[] sizeRequest(int size) {
    return ByteBuffer.allocate(4).putInt(size).array();
  }
}
