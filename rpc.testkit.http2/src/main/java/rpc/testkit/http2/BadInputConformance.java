package rpc.testkit.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.testkit.AbstractTransportTest;
import rpc.testkit.StringCodec;
import rpc.testkit.Waits;

/**
 * Requests that break the gRPC protocol, sent as raw HTTP/2 frames: each gets a clear status or
 * HTTP error, a well-behaved call on another connection still succeeds, and afterwards no handler
 * is left running and no call is left open (a graceful shutdown, which waits for open calls,
 * completes).
 */
abstract class BadInputConformance extends AbstractTransportTest {
  private static final MethodDescriptor<String, String> COLLECT = MethodDescriptor.of(
      "test.Bad/Collect", MethodDescriptor.Kind.CLIENT_STREAMING, StringCodec.INSTANCE, StringCodec.INSTANCE);
  private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.of(
      "test.Bad/Echo", MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
  /** Client-streaming: reads the whole request, then stays open until the test releases it or it is cancelled. */
  private static final MethodDescriptor<String, String> HOLD = MethodDescriptor.of(
      "test.Bad/Hold", MethodDescriptor.Kind.CLIENT_STREAMING, StringCodec.INSTANCE, StringCodec.INSTANCE);

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger requestsEnded = new AtomicInteger();
  private final CountDownLatch released = new CountDownLatch(1);
  private CountDownLatch cancelled = new CountDownLatch(1);
  private Server server;
  private Channel channel;
  private ClientStream<String, String> concurrent;

  BadInputConformance(Http2WireConformanceTest suite) {
    super(suite.transport());
  }

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition bad = ServiceDefinition.newBuilder("test.Bad")
        .clientStreaming(COLLECT, stream -> {
          running.incrementAndGet();
          started.incrementAndGet();
          stream.context().onCancel(() -> cancelled.countDown());
          try {
            StringBuilder sb = new StringBuilder();
            String m;
            while ((m = stream.receive()) != null) {
              sb.append(m);
            }
            return sb.toString();
          } finally {
            running.decrementAndGet();
          }
        })
        .clientStreaming(HOLD, stream -> {
          running.incrementAndGet();
          stream.context().onCancel(() -> cancelled.countDown());
          try {
            while (stream.receive() != null) {
              // read the whole request
            }
            requestsEnded.incrementAndGet();
            // Stays open past the end of the request, longer than any wait of the test, which
            // releases it when it checks what was left behind.
            released.await(3 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return "held";
          } finally {
            running.decrementAndGet();
          }
        })
        .unary(ECHO, (req, ctx) -> req)
        .build();
    server = startServer(bad, EchoService.definition());
    channel = openChannel(server);
    concurrent = channel.newStream(EchoService.BIDI);
    concurrent.send("before");
    assertEquals("re:before", concurrent.receive());
  }

  @AfterEach
  void checkNothingLeftBehind() throws Exception {
    released.countDown();
    concurrent.send("after");
    assertEquals("re:after", concurrent.receive(), "a call in flight on another connection");
    concurrent.halfClose();
    assertNull(concurrent.receive());
    assertEquals("echo:fine", channel.call(EchoService.UNARY, "fine"), "a new call on another connection");
    Waits.until("no handler still running", running::get, n -> n == 0, WAIT);
    channel.shutdownNow();
    // Graceful: the server terminates only once every call has ended, so a call the bad input left
    // open (a stream never answered, a listener never told) keeps it from terminating.
    server.shutdown();
    assertTrue(server.awaitTermination(WAIT), "server calls left open: graceful shutdown did not complete");
  }

  private static String code(Status.Code c) {
    return Integer.toString(c.value());
  }

  @Test
  void lengthPrefixLongerThanTheDataIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(false, 100, "short".getBytes()), true);
      assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus());
      assertEquals(200, ex.httpStatus());
    }
  }

  @Test
  void compressedFlagWithoutEncodingIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(true, 3, "abc".getBytes()), true);
      assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus());
    }
  }

  @Test
  void unknownEncodingIsUnimplementedAndListsWhatIsAccepted() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      HttpFields.Mutable f = RawHttp2Client.grpcFields().add("grpc-encoding", "snappy");
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", f, false);
      assertEquals(code(Status.Code.UNIMPLEMENTED), ex.grpcStatus());
      assertEquals("gzip", ex.response.get().getHttpFields().get("grpc-accept-encoding"));
    }
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      HttpFields.Mutable f = HttpFields.build().add("content-type", "application/json").add("te", "trailers");
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", f, false);
      assertEquals(415, ex.httpStatus());
      ex.awaitEnd();
    }
  }

  @Test
  void pathThatIsNoMethodIsUnimplemented() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      for (String path : new String[] {"/nonsense", "/test.Bad/Echo/extra", "/", "/test.Bad"}) {
        RawHttp2Client.Exchange ex = raw.open(path, RawHttp2Client.grpcFields(), true);
        assertEquals(code(Status.Code.UNIMPLEMENTED), ex.grpcStatus(), path);
      }
    }
  }

  /**
   * A {@code :path} without its leading slash is malformed (RFC 9113 §8.3.1); gRPC's
   * PROTOCOL-HTTP2.md leaves the answer to the server (an HTTP error, a RST_STREAM, or an error
   * status), but there must be one: a client must not wait for ever on a stream the server dropped.
   */
  @Test
  void pathWithoutLeadingSlashIsAnswered() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.openRawPath("test.Bad/Echo", RawHttp2Client.grpcFields(), true);
      try {
        CompletableFuture.anyOf(ex.response, ex.done).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        ex.done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // the rest of a response: its trailers or a reset
      } catch (TimeoutException | ExecutionException e) {
        // judged below on what came, if anything
      }
      if (!ex.response.isDone() && !ex.done.isDone()) {
        fail("a request with :path test.Bad/Echo (no leading slash) got no answer within " + WAIT
            + "; expected an HTTP error status, a RST_STREAM or a gRPC error status; saw " + ex.seen());
      }
      assertTrue(isError(ex), "a request with :path test.Bad/Echo (no leading slash) must fail; saw " + ex.seen());
    }
  }

  /** Whether the exchange ended in a reset, an HTTP error status or a gRPC status other than OK. */
  private static boolean isError(RawHttp2Client.Exchange ex) {
    if (ex.done.isDone() && !ex.done.isCompletedExceptionally() && ex.done.join() >= 0) {
      return true;
    }
    MetaData.Response response = ex.response.getNow(null);
    if (response == null) {
      return false;
    }
    HttpFields status = ex.trailers != null ? ex.trailers : response.getHttpFields();
    String grpcStatus = status.get("grpc-status");
    return response.getStatus() >= 400 || (grpcStatus != null && !grpcStatus.equals(code(Status.Code.OK)));
  }

  @Test
  void malformedTimeoutIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      for (String timeout : new String[] {"abc", "123456789S", "10x", "S"}) {
        HttpFields.Mutable f = RawHttp2Client.grpcFields().add("grpc-timeout", timeout);
        RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", f, false);
        assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus(), timeout);
      }
    }
  }

  @Test
  void oversizedMessageIsResourceExhausted() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Collect", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(false, 5 * 1024 * 1024, new byte[100]), false);
      assertEquals(code(Status.Code.RESOURCE_EXHAUSTED), ex.grpcStatus());
    }
  }

  @Test
  void resetInTheMiddleOfAMessageCancelsTheHandler() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Collect", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(false, 2, "a".getBytes()), false); // a whole message
      ex.send(RawHttp2Client.framed(false, 1000, new byte[10]), false); // half of the next
      Waits.until("the handler started", started::get, n -> n > 0, WAIT);
      ex.reset(ErrorCode.CANCEL_STREAM_ERROR.code);
      assertTrue(cancelled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the handler never saw the reset");
    }
  }

  /**
   * After the request's END_STREAM the stream is half-closed (remote), and a HEADERS frame on it is
   * a stream error of type STREAM_CLOSED (RFC 9113 §5.1), not request trailers: the server must
   * reset the stream and tell the handler its call is over.
   */
  @Test
  void headersAfterEndOfRequestResetTheStreamAndCancelTheHandler() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Hold", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(false, 1, "x".getBytes()), true);
      Waits.until("the handler read the whole request", requestsEnded::get, n -> n == 1, WAIT);
      ex.headers(HttpFields.build().add("x-late", "after END_STREAM"), true);
      int reset;
      try {
        reset = ex.done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        reset = -2; // no reset: the stream is still open, or the connection failed
      }
      List<Integer> expected = List.of(ErrorCode.STREAM_CLOSED_ERROR.code, ErrorCode.PROTOCOL_ERROR.code);
      assertTrue(expected.contains(reset), "HEADERS after END_STREAM must be answered within " + WAIT
          + " with RST_STREAM(STREAM_CLOSED or PROTOCOL_ERROR); saw " + ex.seen());
      assertTrue(cancelled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS),
          "the handler of the reset stream was not told its call was cancelled");
    }
  }

  @Test
  void vanishingClientCancelsItsHandlers() throws Exception {
    cancelled = new CountDownLatch(3);
    RawHttp2Client raw = new RawHttp2Client(server.port());
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp2Client.Exchange ex = raw.open("/test.Bad/Collect", RawHttp2Client.grpcFields(), false);
        ex.send(RawHttp2Client.framed(false, 1, "x".getBytes()), false);
      }
      Waits.until("3 handlers running", running::get, n -> n >= 3, WAIT);
      assertEquals(3, running.get());
      raw.vanish();
      assertTrue(cancelled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS),
          "handlers not cancelled when the connection dropped");
    } finally {
      raw.close();
    }
  }

  @Test
  void getIsRejectedWith405() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("GET", "/test.Bad/Echo", RawHttp2Client.grpcFields(), true);
      assertEquals(405, ex.httpStatus());
      assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus());
    }
  }

  @Test
  void unaryCallWithoutARequestMessageIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", RawHttp2Client.grpcFields(), true);
      assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus());
    }
  }

  @Test
  void messageSplitIntoOneByteFramesIsReassembled() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", RawHttp2Client.grpcFields(), false);
      byte[] wire = RawHttp2Client.framed(false, 5, "split".getBytes());
      for (int i = 0; i < wire.length; i++) {
        ex.send(new byte[] {wire[i]}, i == wire.length - 1);
      }
      assertEquals(code(Status.Code.OK), ex.grpcStatus());
      byte[] body = ex.body.toByteArray();
      assertEquals("split", new String(body, 5, body.length - 5));
    }
  }
}
