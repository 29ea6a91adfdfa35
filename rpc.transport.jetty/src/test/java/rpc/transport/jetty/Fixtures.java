package rpc.transport.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import rpc.api.Codec;
import rpc.api.MethodDescriptor;
import rpc.api.ServiceDefinition;
import rpc.api.Status;

/** Codecs, methods and a test service shared by this module's tests. */
final class Fixtures {
  private Fixtures() {}

  /** UTF-8 strings. */
  static final Codec<String> STRING = new Codec<>() {
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
      byte[] b = new byte[source.remaining()];
      source.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }
  };

  /** Raw bytes. */
  static final Codec<byte[]> BYTES = new Codec<>() {
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
      byte[] b = new byte[source.remaining()];
      source.get(b);
      return b;
    }
  };

  static final String SERVICE = "test.Echo";
  static final MethodDescriptor<String, String> UNARY =
      MethodDescriptor.of(SERVICE + "/Unary", MethodDescriptor.Kind.UNARY, STRING, STRING);
  static final MethodDescriptor<String, String> CLIENT_STREAMING =
      MethodDescriptor.of(SERVICE + "/Join", MethodDescriptor.Kind.CLIENT_STREAMING, STRING, STRING);
  static final MethodDescriptor<String, String> SERVER_STREAMING =
      MethodDescriptor.of(SERVICE + "/Split", MethodDescriptor.Kind.SERVER_STREAMING, STRING, STRING);
  static final MethodDescriptor<String, String> BIDI =
      MethodDescriptor.of(SERVICE + "/Chat", MethodDescriptor.Kind.BIDI_STREAMING, STRING, STRING);
  static final MethodDescriptor<byte[], byte[]> BLOB =
      MethodDescriptor.of(SERVICE + "/Blob", MethodDescriptor.Kind.UNARY, BYTES, BYTES);
  static final MethodDescriptor<String, String> FAIL =
      MethodDescriptor.of(SERVICE + "/Fail", MethodDescriptor.Kind.UNARY, STRING, STRING);

  /**
   * Unary echoes with a prefix; Join concatenates; Split sends one message per comma-separated part;
   * Chat echoes each message; Blob returns a blob of the requested size (first 4 bytes, big-endian)
   * or echoes the request; Fail fails with the code named in the request.
   */
  static ServiceDefinition echoService() {
    return ServiceDefinition.newBuilder(SERVICE)
        .unary(UNARY, (req, ctx) -> "echo:" + req)
        .clientStreaming(CLIENT_STREAMING, stream -> {
          StringBuilder sb = new StringBuilder();
          String m;
          while ((m = stream.receive()) != null) {
            sb.append(m);
          }
          return sb.toString();
        })
        .serverStreaming(SERVER_STREAMING, (req, stream) -> {
          for (String part : req.split(",")) {
            stream.send(part);
          }
        })
        .bidiStreaming(BIDI, stream -> {
          String m;
          while ((m = stream.receive()) != null) {
            stream.send("re:" + m);
          }
        })
        .unary(BLOB, (req, ctx) -> {
          if (req.length == 4) {
            int size = ByteBuffer.wrap(req).getInt();
            byte[] out = new byte[size];
            for (int i = 0; i < size; i++) {
              out[i] = (byte) i;
            }
            return out;
          }
          return req;
        })
        .unary(FAIL, (req, ctx) -> {
          throw Status.of(Status.Code.valueOf(req), "failed as asked: ünïcödé ✓").asException();
        })
        .build();
  }
}
