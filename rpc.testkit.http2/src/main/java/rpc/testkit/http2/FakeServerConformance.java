package rpc.testkit.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.HTTP2Stream;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.testkit.AbstractTransportTest;
import rpc.testkit.StringCodec;
import rpc.testkit.Waits;

/**
 * Our channel against a scripted HTTP/2 server that answers the way proxies, non-gRPC servers and
 * broken servers do: each answer maps to the status the gRPC specification asks for. The server
 * also sees what the client cannot show: its connections and its PINGs.
 */
abstract class FakeServerConformance extends AbstractTransportTest {
  private final CompletableFuture<Void> releaseHeld = new CompletableFuture<>();
  private ScriptedHttp2Server fake;
  private Channel channel;

  FakeServerConformance(Http2WireConformanceTest suite) {
    super(suite.transport());
  }

  @BeforeEach
  void start() throws Exception {
    fake = new ScriptedHttp2Server(this::answer);
    channel = openChannel(fake.target());
  }

  @AfterEach
  void stop() throws Exception {
    releaseHeld.complete(null);
    channel.shutdownNow();
    fake.close();
  }

  private static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.of("fake.S/" + name, MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE,
        StringCodec.INSTANCE);
  }

  private static MethodDescriptor<String, String> method(String name) {
    return MethodDescriptor.of("fake.S/" + name, MethodDescriptor.Kind.SERVER_STREAMING, StringCodec.INSTANCE,
        StringCodec.INSTANCE);
  }

  private static HeadersFrame response(Stream s, int status, boolean end, String... fields) {
    HttpFields.Mutable f = HttpFields.build();
    for (int i = 0; i < fields.length; i += 2) {
      f.add(fields[i], fields[i + 1]);
    }
    return new HeadersFrame(s.getId(), new MetaData.Response(status, null, HttpVersion.HTTP_2, f), null, end);
  }

  private static HeadersFrame trailers(Stream s, String... fields) {
    HttpFields.Mutable f = HttpFields.build();
    for (int i = 0; i < fields.length; i += 2) {
      f.add(fields[i], fields[i + 1]);
    }
    return new HeadersFrame(s.getId(), new MetaData(HttpVersion.HTTP_2, f), null, true);
  }

  private static DataFrame data(Stream s, byte[] bytes, boolean end) {
    return new DataFrame(s.getId(), ByteBuffer.wrap(bytes), end);
  }

  private static byte[] message(String text) {
    return RawHttp2Client.framed(false, text.length(), text.getBytes(StandardCharsets.UTF_8));
  }

  /** The fake server's script: the method's name says how to answer. */
  private Stream.Listener answer(Stream s, String name) {
    if (name.equals("Echo") || name.equals("Held")) {
      Echo echo = new Echo(name.equals("Held") ? releaseHeld : CompletableFuture.completedFuture(null));
      // Jetty sets the returned listener only after this method; data read before then would go
      // to a discarding one.
      ((HTTP2Stream) s).setListener(echo);
      s.demand();
      return echo;
    }
    s.demand();
    script(name, s);
    return null; // Jetty's default listener reads and drops the request
  }

  private static CompletableFuture<Stream> script(String name, Stream s) {
    return switch (name) {
      case "NotFound" -> s.headers(response(s, 404, false, "content-type", "text/plain"))
          .thenCompose(x -> x.data(data(x, "nope".getBytes(), true)));
      case "Unavailable" -> s.headers(response(s, 503, true));
      case "Html" -> s.headers(response(s, 200, false, "content-type", "text/html"))
          .thenCompose(x -> x.data(data(x, "<html/>".getBytes(), true)));
      case "Refuse" -> s.reset(new ResetFrame(s.getId(), ErrorCode.REFUSED_STREAM_ERROR.code)).thenApply(v -> s);
      case "Cancel" -> s.reset(new ResetFrame(s.getId(), ErrorCode.CANCEL_STREAM_ERROR.code)).thenApply(v -> s);
      case "NoStatus" -> s.headers(response(s, 200, false, "content-type", "application/grpc"))
          .thenCompose(x -> x.data(data(x, message("m"), false)))
          .thenCompose(x -> x.headers(trailers(x, "x-other", "1")));
      case "CompressedWithoutEncoding" -> s.headers(response(s, 200, false, "content-type", "application/grpc"))
          .thenCompose(x -> x.data(data(x, RawHttp2Client.framed(true, 1, new byte[] {1}), false)))
          .thenCompose(x -> x.headers(trailers(x, "grpc-status", "0")));
      case "UnknownEncoding" -> s.headers(response(s, 200, false, "content-type", "application/grpc",
              "grpc-encoding", "snappy"))
          .thenCompose(x -> x.headers(trailers(x, "grpc-status", "0")));
      case "Truncated" -> s.headers(response(s, 200, false, "content-type", "application/grpc"))
          .thenCompose(x -> x.data(data(x, RawHttp2Client.framed(false, 10, "abc".getBytes()), false)))
          .thenCompose(x -> x.headers(trailers(x, "grpc-status", "0")));
      case "NoTrailers" -> s.headers(response(s, 200, false, "content-type", "application/grpc"))
          .thenCompose(x -> x.data(data(x, message("m"), true)));
      case "TrailersOnlyWithMessage" -> s.headers(response(s, 200, true, "content-type", "application/grpc",
          "grpc-status", "5", "grpc-message", "%C3%BCber", "x-detail", "d"));
      case "ManyThenReset" -> {
        CompletableFuture<Stream> f = s.headers(response(s, 200, false, "content-type", "application/grpc+proto"));
        for (int i = 0; i < 20; i++) {
          String m = "m" + i;
          f = f.thenCompose(x -> x.data(data(x, message(m), false)));
        }
        yield f.thenCompose(x -> x.headers(trailers(x, "grpc-status", "0", "x-done", "yes")))
            .thenCompose(x -> x.reset(new ResetFrame(x.getId(), ErrorCode.NO_ERROR.code)).thenApply(v -> x))
            .thenApply(x -> {
              ScriptedHttp2Server.ping(x); // its reply shows the client has read all of the above
              return x;
            });
      }
      case "OneByteFrames" -> {
        CompletableFuture<Stream> f = s.headers(response(s, 200, false, "content-type", "application/grpc"));
        for (byte b : message("split")) {
          f = f.thenCompose(x -> x.data(data(x, new byte[] {b}, false)));
        }
        yield f.thenCompose(x -> x.headers(trailers(x, "grpc-status", "0")));
      }
      case "Drop" -> s.headers(response(s, 200, false, "content-type", "application/grpc"))
          .thenCompose(x -> x.data(data(x, message("partial"), false)))
          .thenApply(x -> {
            ((HTTP2Session) x.getSession()).getEndPoint().close(); // no GOAWAY
            return x;
          });
      default -> s.headers(response(s, 500, true));
    };
  }

  /** A gRPC echo: once the request has ended and {@code go} completes, sends its messages back with OK. */
  private static final class Echo implements Stream.Listener {
    private final CompletableFuture<Void> go;
    private final ByteArrayOutputStream request = new ByteArrayOutputStream();

    Echo(CompletableFuture<Void> go) {
      this.go = go;
    }

    @Override
    public void onDataAvailable(Stream stream) {
      Stream.Data data;
      while ((data = stream.readData()) != null) {
        ByteBuffer b = data.frame().getByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        request.writeBytes(bytes);
        data.release();
        if (data.frame().isEndStream()) {
          go.thenRun(() -> stream.headers(response(stream, 200, false, "content-type", "application/grpc"))
              .thenCompose(x -> x.data(data(x, request.toByteArray(), false)))
              .thenCompose(x -> x.headers(trailers(x, "grpc-status", "0"))));
          return;
        }
      }
      stream.demand();
    }
  }

  private Status.Code codeOf(String name) {
    StatusException e = assertThrows(StatusException.class, () -> {
      try (ClientStream<String, String> s = channel.newStream(method(name),
          CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)))) {
        s.sendAndClose("x");
        while (s.receive() != null) {
          // drain
        }
      }
    });
    return e.status().code();
  }

  @Test
  void httpErrorsMapToGrpcCodes() {
    assertEquals(Status.Code.UNIMPLEMENTED, codeOf("NotFound"));
    assertEquals(Status.Code.UNAVAILABLE, codeOf("Unavailable"));
    assertEquals(Status.Code.UNKNOWN, codeOf("Other"));
  }

  @Test
  void nonGrpcContentTypeIsUnknown() {
    assertEquals(Status.Code.UNKNOWN, codeOf("Html"));
  }

  @Test
  void resetsMapToGrpcCodes() {
    assertEquals(Status.Code.UNAVAILABLE, codeOf("Refuse"));
    assertEquals(Status.Code.CANCELLED, codeOf("Cancel"));
  }

  @Test
  void brokenResponsesFailClearly() {
    assertEquals(Status.Code.UNKNOWN, codeOf("NoStatus"));
    assertEquals(Status.Code.INTERNAL, codeOf("CompressedWithoutEncoding"));
    assertEquals(Status.Code.INTERNAL, codeOf("UnknownEncoding"));
    assertEquals(Status.Code.INTERNAL, codeOf("Truncated"));
    assertEquals(Status.Code.INTERNAL, codeOf("NoTrailers"));
  }

  @Test
  void trailersOnlyCarriesStatusMessageAndMetadata() {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(unary("TrailersOnlyWithMessage"), "x"));
    assertEquals(Status.Code.NOT_FOUND, e.status().code(), e.toString());
    assertEquals("über", e.status().description());
    assertEquals("d", e.trailers().get("x-detail"));
  }

  @Test
  void messagesBeforeTrailersSurviveAResetRightAfterThem() throws Exception {
    try (ClientStream<String, String> s = channel.newStream(method("ManyThenReset"))) {
      s.sendAndClose("x");
      // The reader holds back until the client has read the trailers and the reset behind them.
      Waits.until("the client's reply to the PING sent after the reset", fake::pingReplies, n -> n == 1, WAIT);
      for (int i = 0; i < 20; i++) {
        assertEquals("m" + i, s.receive());
      }
      assertNull(s.receive());
      assertEquals(Status.Code.OK, s.status().code());
      assertEquals("yes", s.trailers().get("x-done"));
    }
  }

  @Test
  void connectionLossIsUnavailableAndTheChannelRecovers() {
    try (ClientStream<String, String> s = channel.newStream(method("Drop"))) {
      s.sendAndClose("x");
      assertEquals("partial", s.receive());
      StatusException e = assertThrows(StatusException.class, s::receive);
      assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
    }
    try (ClientStream<String, String> s = channel.newStream(method("OneByteFrames"))) {
      s.sendAndClose("x");
      assertEquals("split", s.receive(), "a new connection serves the next call");
    }
  }

  @Test
  void messageInOneByteFrames() {
    try (ClientStream<String, String> s = channel.newStream(method("OneByteFrames"))) {
      s.sendAndClose("x");
      assertEquals("split", s.receive());
      assertNull(s.receive());
    }
  }

  @Test
  void idleConnectionClosesAndTheNextCallReconnects() throws Exception {
    Channel idle = openChannel(fake.target(), b -> b.idleTimeout(Duration.ofMillis(200)));
    assertEquals("a", idle.call(unary("Echo"), "a"));
    assertEquals(1, fake.connectionsOpened());
    Waits.until("the idle connection closed", fake::connectionsClosed, n -> n == 1, WAIT);
    assertEquals("b", idle.call(unary("Echo"), "b"));
    assertEquals(2, fake.connectionsOpened(), "the next call opened a new connection");
  }

  @Test
  void keepAlivePingsDoNotDisturbCalls() throws Exception {
    Channel pinging = openChannel(fake.target(), b -> b.keepAliveTime(Duration.ofMillis(50)));
    CompletableFuture<String> held = pinging.callAsync(unary("Held"), "k");
    Waits.until("several keepalive PINGs while the call is open", fake::pings, n -> n >= 3, WAIT);
    assertFalse(held.isDone(), "the call ended before the server answered: " + held);
    releaseHeld.complete(null);
    assertEquals("k", held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals("after", pinging.call(unary("Echo"), "after"));
    assertEquals(1, fake.connectionsOpened(), "the PINGs kept the one connection open");
  }
}
