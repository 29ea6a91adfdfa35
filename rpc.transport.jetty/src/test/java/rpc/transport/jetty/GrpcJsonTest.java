package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.server.RawHTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.codec.protobuf.ProtobufCodec;
import rpc.codec.protobuf.ProtobufJsonCodec;

/**
 * {@code application/grpc+json}: the content-subtype picks the codecs on the server, which answers in
 * kind from methods registered with binary codecs; a channel whose method has JSON codecs sends the
 * subtype; a subtype the method has no codec for is refused with HTTP 415.
 */
@Timeout(30)
class GrpcJsonTest {
  private static final String SERVICE = "test.Json";
  private static final StringValue TEXT = StringValue.getDefaultInstance();

  /** Registered with binary codecs: JSON comes from their {@code inFormat("json")}. */
  private static final MethodDescriptor<StringValue, Struct> GREET = MethodDescriptor.of(SERVICE + "/Greet",
      MethodDescriptor.Kind.UNARY, ProtobufCodec.of(TEXT), ProtobufCodec.of(Struct.getDefaultInstance()));
  private static final MethodDescriptor<StringValue, StringValue> SHOUT = MethodDescriptor.of(SERVICE + "/Shout",
      MethodDescriptor.Kind.BIDI_STREAMING, ProtobufCodec.of(TEXT), ProtobufCodec.of(TEXT));
  /** Parser-only codecs, as for lite messages: binary only. */
  private static final MethodDescriptor<StringValue, StringValue> BINARY_ONLY = MethodDescriptor.of(
      SERVICE + "/BinaryOnly", MethodDescriptor.Kind.UNARY, ProtobufCodec.of(StringValue.parser(), "StringValue"),
      ProtobufCodec.of(StringValue.parser(), "StringValue"));

  private Server server;
  private Channel channel;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = Server.newBuilder().transport("jetty").listen("127.0.0.1:0")
        .addService(ServiceDefinition.newBuilder(SERVICE)
            .unary(GREET, (req, ctx) -> Struct.newBuilder()
                .putFields("greeting", Value.newBuilder().setStringValue("Hello, " + req.getValue()).build()).build())
            .bidiStreaming(SHOUT, stream -> {
              StringValue m;
              while ((m = stream.receive()) != null) {
                stream.send(StringValue.of(m.getValue().toUpperCase(Locale.ROOT)));
              }
            })
            .unary(BINARY_ONLY, (req, ctx) -> req)
            .build())
        .build().start();
    channel = Channel.newBuilder("127.0.0.1:" + server.port()).transport("jetty").build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    channel.close();
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(5));
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> inJson(MethodDescriptor<Q, R> method,
      Q request, R response) {
    return method.withCodecs(ProtobufJsonCodec.of(request), ProtobufJsonCodec.of(response));
  }

  private RawConnection connect() throws Exception {
    RawConnection c = new RawConnection(server.port());
    open.add(c);
    return c;
  }

  /** The payloads of the gRPC messages in {@code body}, as text. */
  private static List<String> messages(byte[] body) {
    List<String> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.hasRemaining()) {
      assertEquals(0, b.get(), "compressed flag");
      byte[] payload = new byte[b.getInt()];
      b.get(payload);
      out.add(new String(payload, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void unaryAndBidiCallsInJsonBesideBinaryOnesOnOneServer() {
    MethodDescriptor<StringValue, Struct> greet = inJson(GREET, TEXT, Struct.getDefaultInstance());
    assertEquals("Hello, Ada", channel.call(greet, StringValue.of("Ada")).getFieldsOrThrow("greeting").getStringValue());
    // the same method, binary, on the same channel
    assertEquals("Hello, Bob", channel.call(GREET, StringValue.of("Bob")).getFieldsOrThrow("greeting").getStringValue());

    try (ClientStream<StringValue, StringValue> s = channel.newStream(inJson(SHOUT, TEXT, TEXT))) {
      for (String word : List.of("one", "twö", "three")) {
        s.send(StringValue.of(word));
        assertEquals(word.toUpperCase(Locale.ROOT), s.receive().getValue());
      }
      s.halfClose();
      assertNull(s.receive());
    }
  }

  @Test
  void theServerAnswersGrpcJsonWithJsonMessages() throws Exception {
    RawConnection.Call call = connect().open(GREET.fullName(), "application/grpc+json");
    call.send("\"Ada\"", true);
    assertEquals(-1, call.ended.get(10, TimeUnit.SECONDS));
    MetaData.Response response = call.response.get(10, TimeUnit.SECONDS);
    assertEquals(200, response.getStatus());
    assertEquals("application/grpc+json", response.getHttpFields().get("content-type"));
    assertEquals(List.of("{\"greeting\":\"Hello, Ada\"}"), messages(call.body.toByteArray()));
    assertEquals("0", call.trailers.get("grpc-status"));

    RawConnection.Call stream = connect().open(SHOUT.fullName(), "application/grpc+json; charset=utf-8");
    stream.send("\"a\"");
    stream.send("\"b\"", true);
    assertEquals(-1, stream.ended.get(10, TimeUnit.SECONDS));
    assertEquals("application/grpc+json", stream.response.get(10, TimeUnit.SECONDS).getHttpFields().get("content-type"));
    assertEquals(List.of("\"A\"", "\"B\""), messages(stream.body.toByteArray()));
    assertEquals("0", stream.trailers.get("grpc-status"));
  }

  @Test
  void theServerAnswersInTheContentTypeItWasAskedIn() throws Exception {
    for (String contentType : List.of("application/grpc", "application/grpc+proto")) {
      RawConnection.Call call = connect().open(BINARY_ONLY.fullName(), contentType);
      call.send(StringValue.of("x").toByteArray(), true);
      assertEquals(-1, call.ended.get(10, TimeUnit.SECONDS));
      assertEquals(contentType, call.response.get(10, TimeUnit.SECONDS).getHttpFields().get("content-type"));
      assertEquals("0", call.trailers.get("grpc-status"), contentType);
    }
  }

  @Test
  void malformedJsonFailsTheCallInternalNamingTheType() throws Exception {
    RawConnection.Call call = connect().open(GREET.fullName(), "application/grpc+json");
    call.send("{\"value\":", true);
    call.ended.get(10, TimeUnit.SECONDS);
    HttpFields status = call.trailers != null ? call.trailers : call.response.get(10, TimeUnit.SECONDS).getHttpFields();
    assertEquals("13", status.get("grpc-status"));
    assertTrue(status.get("grpc-message").contains("google.protobuf.StringValue"), status.get("grpc-message"));
  }

  @Test
  void aSubtypeTheMethodHasNoCodecForIsRefusedWith415() throws Exception {
    RawConnection.Call call = connect().open(BINARY_ONLY.fullName(), "application/grpc+json");
    call.send("\"x\"", true);
    call.ended.get(10, TimeUnit.SECONDS);
    MetaData.Response response = call.response.get(10, TimeUnit.SECONDS);
    assertEquals(415, response.getStatus());
    assertEquals("13", response.getHttpFields().get("grpc-status"));
    String message = response.getHttpFields().get("grpc-message");
    assertTrue(message.contains("application/grpc+json") && message.contains(BINARY_ONLY.fullName()), message);

    // the refusal comes at the request's headers and resets the rest of the request with NO_ERROR:
    // a body sent after that is too late, not a failure
    RawConnection.Call xml = connect().open(GREET.fullName(), "application/grpc+xml");
    assertEquals(0, xml.reset.get(10, TimeUnit.SECONDS));
    assertEquals(415, xml.response.get(10, TimeUnit.SECONDS).getStatus());
    xml.send("<x/>", true);

    // our channel: the status the server gave, whose description says what was wrong
    StatusException e = assertThrows(StatusException.class,
        () -> channel.call(inJson(BINARY_ONLY, TEXT, TEXT), StringValue.of("x")));
    assertEquals(Status.Code.INTERNAL, e.status().code());
    assertTrue(e.status().description().contains("application/grpc+json"), e.status().description());
    assertTrue(e.status().description().contains("has no json codec"), e.status().description());
  }

  @Test
  void theChannelSendsGrpcJsonAndWantsItBack() throws Exception {
    try (RecordingServer peer = new RecordingServer("application/grpc+json",
        "{\"greeting\":\"hi\",\"extra\":[1]}".getBytes(StandardCharsets.UTF_8));
        Channel c = Channel.newBuilder(peer.target()).transport("jetty").build()) {
      Struct reply = c.call(inJson(GREET, TEXT, Struct.getDefaultInstance()), StringValue.of("Ada"));
      assertEquals("hi", reply.getFieldsOrThrow("greeting").getStringValue());
      MetaData.Request request = peer.request.get(10, TimeUnit.SECONDS);
      assertEquals("application/grpc+json", request.getHttpFields().get("content-type"));
      assertEquals(List.of("\"Ada\""), messages(peer.body.get(10, TimeUnit.SECONDS)));
    }
    // a binary answer to a JSON request is refused, not misread
    try (RecordingServer peer = new RecordingServer("application/grpc", "\"Ada\"".getBytes(StandardCharsets.UTF_8));
        Channel c = Channel.newBuilder(peer.target()).transport("jetty").build()) {
      StatusException e = assertThrows(StatusException.class,
          () -> c.call(inJson(GREET, TEXT, Struct.getDefaultInstance()), StringValue.of("Ada")));
      assertEquals(Status.Code.UNKNOWN, e.status().code());
      assertTrue(e.status().description().contains("application/grpc"), e.status().description());
    }
    // binary methods still send plain application/grpc
    try (RecordingServer peer = new RecordingServer("application/grpc", StringValue.of("ok").toByteArray());
        Channel c = Channel.newBuilder(peer.target()).transport("jetty").build()) {
      assertEquals("ok", c.call(BINARY_ONLY, StringValue.of("x")).getValue());
      assertEquals("application/grpc", peer.request.get(10, TimeUnit.SECONDS).getHttpFields().get("content-type"));
    }
  }

  /**
   * A raw HTTP/2 server that keeps the first request's headers and body and answers it with
   * {@code contentType}, one message and an OK status. Thread-safe: Jetty's threads fill in the
   * futures the test reads.
   */
  private static final class RecordingServer implements AutoCloseable {
    final CompletableFuture<MetaData.Request> request = new CompletableFuture<>();
    final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server();
    private final ServerConnector connector;

    RecordingServer(String contentType, byte[] payload) throws Exception {
      ServerSessionListener listener = new ServerSessionListener() {
        @Override
        public Stream.Listener onNewStream(Stream stream, HeadersFrame frame) {
          request.complete((MetaData.Request) frame.getMetaData());
          java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
          Stream.Listener reader = new Stream.Listener() {
            @Override
            public void onDataAvailable(Stream s) {
              while (true) {
                Stream.Data data = s.readData();
                if (data == null) {
                  s.demand();
                  return;
                }
                ByteBuffer b = data.frame().getByteBuffer();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                received.writeBytes(bytes);
                data.release();
                if (data.frame().isEndStream()) {
                  body.complete(received.toByteArray());
                  answer(s);
                  return;
                }
              }
            }
          };
          stream.demand();
          return reader;
        }

        private void answer(Stream s) {
          ByteBuffer framed = ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(payload.length)
              .put(payload).flip();
          HttpFields headers = HttpFields.build().add("content-type", contentType);
          HttpFields trailers = HttpFields.build().add("grpc-status", "0");
          s.headers(new HeadersFrame(s.getId(), new MetaData.Response(200, null, HttpVersion.HTTP_2, headers), null,
              false), Callback.from(() -> s.data(new DataFrame(s.getId(), framed, false), Callback.from(() ->
              s.headers(new HeadersFrame(s.getId(), new MetaData(HttpVersion.HTTP_2, trailers), null, true),
                  Callback.NOOP), x -> { })), x -> { }));
        }
      };
      connector = new ServerConnector(jetty, new RawHTTP2ServerConnectionFactory(listener));
      connector.setHost("127.0.0.1");
      jetty.addConnector(connector);
      jetty.start();
    }

    String target() {
      return "127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    public void close() {
      LifeCycle.stop(jetty);
    }
  }
}
