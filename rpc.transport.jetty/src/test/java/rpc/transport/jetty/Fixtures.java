package rpc.transport.jetty;

import rpc.api.Codec;
import rpc.api.MethodDescriptor;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.testkit.BytesCodec;
import rpc.testkit.StringCodec;

/** Codecs, methods and a test service shared by this module's tests. */
final class Fixtures {
  private Fixtures() {}

  /** UTF-8 strings: the conformance suite's codec. */
  static final Codec<String> STRING = StringCodec.INSTANCE;

  /** Raw bytes: the conformance suite's codec. */
  static final Codec<byte[]> BYTES = BytesCodec.INSTANCE;

  static final String SERVICE = "test.Echo";
  static final MethodDescriptor<String, String> UNARY =
      MethodDescriptor.of(SERVICE + "/Unary", MethodDescriptor.Kind.UNARY, STRING, STRING);
  static final MethodDescriptor<String, String> CLIENT_STREAMING =
      MethodDescriptor.of(SERVICE + "/Join", MethodDescriptor.Kind.CLIENT_STREAMING, STRING, STRING);
  static final MethodDescriptor<String, String> SERVER_STREAMING =
      MethodDescriptor.of(SERVICE + "/Split", MethodDescriptor.Kind.SERVER_STREAMING, STRING, STRING);
  static final MethodDescriptor<String, String> BIDI =
      MethodDescriptor.of(SERVICE + "/Chat", MethodDescriptor.Kind.BIDI_STREAMING, STRING, STRING);
  static final MethodDescriptor<String, String> FAIL =
      MethodDescriptor.of(SERVICE + "/Fail", MethodDescriptor.Kind.UNARY, STRING, STRING);

  /**
   * Unary echoes with a prefix; Join concatenates; Split sends one message per comma-separated part;
   * Chat echoes each message; Fail fails with the code named in the request.
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
        .unary(FAIL, (req, ctx) -> {
          throw Status.of(Status.Code.valueOf(req), "failed as asked: ünïcödé ✓").asException();
        })
        .build();
  }
}
