package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.ServiceDefinition;

/**
 * Compression per message: the compressed flag of each received message reaches the application
 * on both ends ({@code Stream.lastReceivedCompressed}, {@code ServerContext.requestCompressed}), and
 * {@code setMessageCompression} turns compression off and on again for the next messages, each way.
 * A transport that never encodes reports what the sender asked for, so the answers are the same.
 */
abstract class PerMessageCompressionConformance extends AbstractTransportTest {
  static final MethodDescriptor<String, String> UNARY = MethodDescriptor.of("compression.Flags/Unary",
      MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
  static final MethodDescriptor<String, String> BIDI = MethodDescriptor.of("compression.Flags/Bidi",
      MethodDescriptor.Kind.BIDI_STREAMING, StringCodec.INSTANCE, StringCodec.INSTANCE);
  static final CallOptions GZIP = CallOptions.DEFAULT.withCompression("gzip");

  PerMessageCompressionConformance(TransportConformanceTest transport) {
    super(transport);
  }

  /**
   * Answers each request with {@code C:} or {@code P:} (it arrived compressed or plain) and the
   * request; {@code plain-next} and {@code compress-next} switch the compression of its answers.
   */
  static ServiceDefinition flags() {
    return ServiceDefinition.newBuilder("compression.Flags")
        .unary(UNARY, (request, context) -> {
          context.setResponseCompression("gzip");
          if (request.equals("plain-next")) {
            context.setMessageCompression(false);
          }
          return (context.requestCompressed() ? "C:" : "P:") + request;
        })
        .bidiStreaming(BIDI, stream -> {
          stream.context().setResponseCompression("gzip");
          for (String request; (request = stream.receive()) != null; ) {
            boolean compressed = stream.lastReceivedCompressed();
            if (request.equals("plain-next")) {
              stream.setMessageCompression(false);
            } else if (request.equals("compress-next")) {
              stream.setMessageCompression(true);
            }
            stream.send((compressed ? "C:" : "P:") + request);
          }
        })
        .build();
  }

  private Channel channel() throws Exception {
    return openChannel(startServer(flags()));
  }

  @Test
  void aHandlerLearnsWhetherItsRequestArrivedCompressed() throws Exception {
    Channel channel = channel();
    assertEquals("C:x", channel.call(UNARY, "x", GZIP));
    assertEquals("P:x", channel.call(UNARY, "x"));
    assertEquals("P:x", channel.call(UNARY, "x", CallOptions.DEFAULT.withCompression("identity")));
  }

  @Test
  void eachEndSwitchesCompressionPerMessageAndTheOtherSeesIt() throws Exception {
    Channel channel = channel();
    try (ClientStream<String, String> call = channel.newStream(BIDI, GZIP)) {
      assertFalse(call.lastReceivedCompressed(), "nothing received yet");
      call.send("a");
      assertEquals("C:a", call.receive());
      assertTrue(call.lastReceivedCompressed(), "the server compresses its answers");

      call.setMessageCompression(false);
      call.send("plain-next");
      assertEquals("P:plain-next", call.receive(), "the client's next message went plain");
      assertFalse(call.lastReceivedCompressed(), "the server's next message went plain");

      call.send("b");
      assertEquals("P:b", call.receive(), "still plain until switched back");
      assertFalse(call.lastReceivedCompressed());

      call.setMessageCompression(true);
      call.send("compress-next");
      assertEquals("C:compress-next", call.receive());
      assertTrue(call.lastReceivedCompressed());
      call.halfClose();
      assertNull(call.receive());
    }
  }

  @Test
  void withoutAnEncodingNothingIsCompressed() throws Exception {
    Channel channel = channel();
    try (ClientStream<String, String> call = channel.newStream(UNARY, CallOptions.DEFAULT)) {
      call.setMessageCompression(true);
      call.sendAndClose("plain-next");
      assertEquals("P:plain-next", call.receive());
      assertFalse(call.lastReceivedCompressed(), "the server turned compression off for its answer");
      assertNull(call.receive());
    }
    try (ClientStream<String, String> call = channel.newStream(UNARY, GZIP)) {
      call.sendAndClose("x");
      assertEquals("C:x", call.receive());
      assertTrue(call.lastReceivedCompressed(), "a unary answer compressed with the call's encoding");
      assertNull(call.receive());
    }
  }
}
