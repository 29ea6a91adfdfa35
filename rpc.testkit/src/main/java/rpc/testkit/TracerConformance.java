package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.CallTracer;
import rpc.api.Channel;
import rpc.api.ClientInterceptor;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServerInterceptor;
import rpc.api.Status;

/**
 * Call tracers see the same wire facts over every transport: headers each way, each message's
 * sizes and compressed flag (the same numbers on both ends), the handler's start and end on its
 * own thread, and exactly one end with the status each side saw — for calls that succeed, fail,
 * run out of time, and for tracers that throw.
 */
abstract class TracerConformance extends AbstractTransportTest {
  private static final String HEADER = "x-echo-trace";

  TracerConformance(TransportConformanceTest transport) {
    super(transport);
  }

  /** Client tracers, one per call, in call order. */
  private final List<RecordingTracer> clientTracers = new CopyOnWriteArrayList<>();
  /** Server tracers by method's simple name; the last call of each method. */
  private final Map<String, RecordingTracer> serverTracers = new ConcurrentHashMap<>();
  private final List<Metadata> serverHeaders = new CopyOnWriteArrayList<>();

  private final ClientInterceptor tracing = new ClientInterceptor() {
    @Override
    public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
      call.headers().put(HEADER, "1");
      RecordingTracer t = new RecordingTracer(HEADER);
      clientTracers.add(t);
      call.addTracer(t);
      return null;
    }
  };

  private final CallTracer.Factory serverFactory = (method, headers) -> {
    serverHeaders.add(headers.copy());
    RecordingTracer t = new RecordingTracer(HEADER);
    serverTracers.put(method.fullName().substring(method.fullName().indexOf('/') + 1), t);
    return t;
  };

  private Channel tracedChannel(ServerInterceptor... serverInterceptors) throws Exception {
    Server server = startServer(b -> b.tracer(serverFactory).intercept(serverInterceptors), service.definition());
    return openChannel(server, b -> b.intercept(tracing));
  }

  private RecordingTracer serverTracer(String method) throws InterruptedException {
    return Waits.until("the server traced " + method, () -> serverTracers.get(method), t -> t != null && t.status != null,
        WAIT);
  }

  @Test
  void bothEndsSeeHeadersEachMessageAndTheEnd() throws Exception {
    Channel channel = tracedChannel();
    try (ClientStream<String, String> call = channel.newStream(FakeService.BIDI_ECHO)) {
      call.send("ab");
      assertEquals("ab", call.receive());
      call.send("abcdef");
      assertEquals("abcdef", call.receive());
      call.halfClose();
      assertNull(call.receive());
    }
    RecordingTracer client = clientTracers.get(0);
    assertEquals(List.of("out-headers x-echo-trace=1", "out-message 2/2 plain", "in-headers x-echo-trace=null",
        "in-message 2/2 plain", "out-message 6/6 plain", "in-message 6/6 plain", "ended OK"), client.events);
    RecordingTracer server = serverTracer("BidiEcho");
    assertEquals("1", serverHeaders.get(0).get(HEADER), "the factory sees the request headers");
    assertEquals(List.of("in-message 2/2 plain", "in-message 6/6 plain"), server.events("in-"));
    assertEquals(List.of("out-headers x-echo-trace=null", "out-message 2/2 plain", "out-message 6/6 plain"),
        server.events("out-"));
    assertEquals("ended OK", server.events.get(server.events.size() - 1));
  }

  @Test
  void compressedMessagesReportTheSameWireSizeOnBothEnds() throws Exception {
    Channel channel = tracedChannel();
    String big = "z".repeat(4096);
    assertEquals(big, channel.call(FakeService.ECHO, big, CallOptions.DEFAULT.withCompression("gzip")));
    RecordingTracer client = clientTracers.get(0);
    String sent = client.events("out-message").get(0);
    assertTrue(sent.endsWith("/4096 compressed"), sent);
    long wire = Long.parseLong(sent.substring("out-message ".length(), sent.indexOf('/')));
    assertTrue(wire > 0 && wire <= 4096, sent);
    RecordingTracer server = serverTracer("Echo");
    assertEquals(List.of("in-message " + wire + "/4096 compressed"), server.events("in-message"),
        "the server reports what the client sent");
  }

  @Test
  void tracersSeeTheStatusEachSideSaw() throws Exception {
    Channel channel = tracedChannel();
    assertStatus(Status.Code.NOT_FOUND, () -> channel.call(FakeService.FAIL, "NOT_FOUND:gone"));
    RecordingTracer failed = clientTracers.get(0);
    assertEquals(Status.Code.NOT_FOUND, failed.status.code());
    assertEquals(FakeService.failureTrailers(Status.Code.NOT_FOUND).keys(), failed.trailers.keys(),
        "the client tracer gets the trailers");
    assertEquals(Status.Code.NOT_FOUND, serverTracer("Fail").status.code());
    assertTrue(serverTracer("Fail").trailers.keys().containsAll(FakeService.failureTrailers(Status.Code.NOT_FOUND)
        .keys()), "the server tracer gets the trailers it sent");

    assertStatus(Status.Code.DEADLINE_EXCEEDED,
        () -> channel.call(FakeService.WAIT, "x", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(50))));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, clientTracers.get(1).status.code(),
        "the client tracer sees what the caller sees");
    Status serverSaw = serverTracer("Wait").status;
    assertTrue(serverSaw.code() == Status.Code.DEADLINE_EXCEEDED || serverSaw.code() == Status.Code.CANCELLED,
        serverSaw::toString);
    assertEquals(1, clientTracers.get(1).events("ended").size());
  }

  @Test
  void handlerEventsRunOnTheHandlerThreadAroundTheInterceptors() throws Exception {
    ThreadLocal<String> scope = new ThreadLocal<>();
    CallTracer.Factory scoping = (method, headers) -> new CallTracer() {
      @Override
      public void handlerStarting() {
        scope.set("traced " + method.fullName());
      }

      @Override
      public void handlerFinished() {
        scope.remove();
      }
    };
    List<String> seenByInterceptor = new CopyOnWriteArrayList<>();
    ServerInterceptor reader = new ServerInterceptor() {
      @Override
      public <Req, Resp> void intercept(rpc.api.ServerStream<Resp, Req> stream,
          rpc.api.ServerCallHandler<Req, Resp> next) throws Exception {
        seenByInterceptor.add(String.valueOf(scope.get()));
        next.handle(stream);
      }
    };
    Server server = startServer(b -> b.tracer(serverFactory).tracer(scoping).intercept(reader), service.definition());
    Channel channel = openChannel(server, b -> b.intercept(tracing));
    assertEquals("x", channel.call(FakeService.ECHO, "x"));
    assertEquals(List.of("traced " + FakeService.ECHO.fullName()), seenByInterceptor);
    RecordingTracer t = serverTracer("Echo");
    assertEquals(2, t.handlerThreads.size());
    assertSame(t.handlerThreads.get(0), t.handlerThreads.get(1), "start and finish on one thread");
    assertTrue(t.handlerThreads.get(0).isVirtual(), "the handler's own virtual thread");
    assertTrue(t.events.indexOf("handler-finished") < t.events.indexOf("ended OK"), t.events::toString);
  }

  @Test
  void tracersThatThrowDoNotHurtTheCall() throws Exception {
    CallTracer broken = new CallTracer() {
      @Override
      public void outboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
        throw new IllegalStateException("broken tracer");
      }

      @Override
      public void inboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
        throw new IllegalStateException("broken tracer");
      }

      @Override
      public void handlerStarting() {
        throw new IllegalStateException("broken tracer");
      }

      @Override
      public void callEnded(Status status, Metadata trailers) {
        throw new IllegalStateException("broken tracer");
      }
    };
    Server server = startServer(b -> b.tracer((m, h) -> broken).tracer(serverFactory), service.definition());
    Channel channel = openChannel(server, b -> b.intercept(new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        call.addTracer(broken);
        return null;
      }
    }, tracing));
    assertEquals("x", channel.call(FakeService.ECHO, "x"));
    assertEquals(Status.Code.OK, serverTracer("Echo").status.code(), "a later tracer still hears the end");
    assertEquals(List.of("out-message 1/1 plain"), clientTracers.get(0).events("out-message"));
  }

  /** A method no service has is refused by the transport and traced by no one, without failing. */
  @Test
  void anUnknownMethodIsRefusedAndTheClientTracerSeesIt() throws Exception {
    Channel channel = tracedChannel();
    MethodDescriptor<String, String> missing = MethodDescriptor.of("no.Such/Method", MethodDescriptor.Kind.UNARY,
        StringCodec.INSTANCE, StringCodec.INSTANCE);
    assertStatus(Status.Code.UNIMPLEMENTED, () -> channel.call(missing, "x"));
    assertEquals(Status.Code.UNIMPLEMENTED, clientTracers.get(0).status.code());
    assertTrue(serverTracers.isEmpty(), "traced on the server: " + serverTracers.keySet());
  }
}
