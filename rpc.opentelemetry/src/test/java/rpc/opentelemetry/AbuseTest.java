package rpc.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import rpc.api.CallOptions;
import rpc.api.CallTracer;
import rpc.api.Channel;
import rpc.api.ClientInterceptor;
import rpc.api.ClientStream;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.MethodDescriptor.Kind;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.testkit.StringCodec;
import rpc.testkit.Waits;

/**
 * The promises of ClientInterceptor, CallTracer, Server.Builder.tracer and RpcTelemetry, tried the
 * way a careless or hostile user would break them: exactly one onClose / callEnded per call under
 * races, cancellations and failures,
 * exact metric counts under concurrency, and spans that always end.
 */
@Timeout(120)
class AbuseTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("grpc.status");
  private static final AtomicInteger NAMES = new AtomicInteger();

  static final MethodDescriptor<String, String> UNARY = method("Unary", Kind.UNARY);
  static final MethodDescriptor<String, String> FAIL = method("Fail", Kind.UNARY);
  static final MethodDescriptor<String, String> SLEEP = method("Sleep", Kind.UNARY);
  static final MethodDescriptor<String, String> HANG = method("Hang", Kind.UNARY);
  static final MethodDescriptor<String, String> SILENT = method("Silent", Kind.BIDI_STREAMING);
  static final MethodDescriptor<String, String> ECHO = method("Echo", Kind.BIDI_STREAMING);
  static final MethodDescriptor<String, String> COLLECT = method("Collect", Kind.CLIENT_STREAMING);
  static final MethodDescriptor<String, String> NESTED_THREAD = method("NestedThread", Kind.UNARY);
  static final MethodDescriptor<String, String> NESTED_WRAPPED = method("NestedWrapped", Kind.UNARY);

  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final Map<SpanKind, AtomicInteger> spansStarted = new EnumMap<>(SpanKind.class);
  final Map<SpanKind, AtomicInteger> spansEnded = new EnumMap<>(SpanKind.class);

  {
    for (SpanKind k : SpanKind.values()) {
      spansStarted.put(k, new AtomicInteger());
      spansEnded.put(k, new AtomicInteger());
    }
  }

  final SpanProcessor counting = new SpanProcessor() {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      spansStarted.get(span.getKind()).incrementAndGet();
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      spansEnded.get(span.getKind()).incrementAndGet();
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  };
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
          .addSpanProcessor(counting).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  final RpcTelemetry telemetry = RpcTelemetry.create(otel);
  final List<AutoCloseable> open = new ArrayList<>();
  final AtomicInteger handlersRunning = new AtomicInteger();
  final AtomicInteger handlersEntered = new AtomicInteger();
  volatile Channel nestedChannel;
  Server server;

  static MethodDescriptor<String, String> method(String name, Kind kind) {
    return MethodDescriptor.of("abuse.Test/" + name, kind, StringCodec.INSTANCE, StringCodec.INSTANCE);
  }

  ServiceDefinition service() {
    return ServiceDefinition.newBuilder("abuse.Test")
        .unary(UNARY, (request, context) -> request)
        .unary(FAIL, (request, context) -> {
          throw Status.NOT_FOUND.withDescription("gone").asException();
        })
        .unary(SLEEP, (request, context) -> {
          Thread.sleep(Long.parseLong(request));
          return request;
        })
        .unary(HANG, (request, context) -> {
          handlersEntered.incrementAndGet();
          handlersRunning.incrementAndGet();
          try {
            Thread.sleep(Duration.ofMinutes(1));
          } finally {
            handlersRunning.decrementAndGet();
          }
          return request;
        })
        .bidiStreaming(SILENT, stream -> {
          handlersEntered.incrementAndGet();
          while (stream.receive() != null) {
            // never answers
          }
        })
        .bidiStreaming(ECHO, stream -> {
          for (String r; (r = stream.receive()) != null; ) {
            stream.send(r);
          }
        })
        .clientStreaming(COLLECT, stream -> {
          long n = 0;
          for (String r; (r = stream.receive()) != null; ) {
            n += r.length();
          }
          return Long.toString(n);
        })
        .unary(NESTED_THREAD, (request, context) -> {
          AtomicReference<String> got = new AtomicReference<>();
          Thread t = Thread.ofPlatform().start(() -> got.set(nestedChannel.call(UNARY, "from-thread")));
          t.join(10_000);
          return "thread:" + got.get();
        })
        .unary(NESTED_WRAPPED, (request, context) -> {
          AtomicReference<String> got = new AtomicReference<>();
          Thread t = Thread.ofPlatform().start(Context.current().wrap(() -> got.set(nestedChannel.call(UNARY, "wrapped"))));
          t.join(10_000);
          return "wrapped:" + got.get();
        })
        .build();
  }

  /** Server with telemetry (and {@code extraTracers}) on {@code transport}; returns the target. */
  String startServer(String transport, CallTracer.Factory... extraTracers) throws Exception {
    String address = transport.equals("inprocess") ? "inprocess:abuse-" + NAMES.incrementAndGet() : "127.0.0.1:0";
    Server.Builder b = Server.newBuilder().listen(address).tracer(telemetry.serverTracer()).addService(service());
    for (CallTracer.Factory f : extraTracers) {
      b.tracer(f);
    }
    server = b.build().start();
    Server s = server;
    open.add(s::shutdownNow);
    return transport.equals("inprocess") ? address : "127.0.0.1:" + server.port();
  }

  Channel channel(String target, ClientInterceptor... interceptors) {
    Channel channel = Channel.newBuilder(target).intercept(interceptors).build();
    open.add(channel::shutdownNow);
    return channel;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    otel.close();
  }

  // ---------------------------------------------------------------------------------------------
  // An interceptor that checks the listener and tracer promises of every call it sees.

  static final class Accounting implements ClientInterceptor {
    final AtomicInteger intercepted = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger tracersAttached = new AtomicInteger();
    final AtomicInteger tracersEnded = new AtomicInteger();
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    /** Per request (the first sent), the status onClose saw and the status callEnded saw. */
    final Map<String, Status> closeStatus = new ConcurrentHashMap<>();
    final Map<String, Status> endStatus = new ConcurrentHashMap<>();

    @Override
    public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
      intercepted.incrementAndGet();
      AtomicInteger closes = new AtomicInteger();
      AtomicInteger ends = new AtomicInteger();
      AtomicReference<String> key = new AtomicReference<>(call.options().hasHeaders()
          ? call.options().headers().get("k") : null);
      call.addTracer(new CallTracer() {
        @Override
        public void inboundHeaders(Metadata headers) {
          if (ends.get() > 0) {
            violations.add("inboundHeaders after callEnded: " + call.method().fullName());
          }
        }

        @Override
        public void callEnded(Status status, Metadata trailers) {
          if (ends.incrementAndGet() > 1) {
            violations.add("callEnded twice: " + call.method().fullName() + " " + status);
          }
          String k = key.get();
          if (k != null) {
            endStatus.put(k, status);
          }
          tracersEnded.incrementAndGet();
        }
      });
      tracersAttached.incrementAndGet();
      return new Listener<>() {
        @Override
        public Req onSend(Req message) {
          key.compareAndSet(null, String.valueOf(message));
          return message;
        }

        @Override
        public void onHeaders(Metadata headers) {
          if (closes.get() > 0) {
            violations.add("onHeaders after onClose: " + call.method().fullName());
          }
        }

        @Override
        public Resp onMessage(Resp message) {
          if (closes.get() > 0) {
            violations.add("onMessage after onClose: " + call.method().fullName());
          }
          return message;
        }

        @Override
        public Status onClose(Status status, Metadata trailers) {
          if (closes.incrementAndGet() > 1) {
            violations.add("onClose twice: " + call.method().fullName() + " " + status);
          }
          String k = key.get();
          if (k != null) {
            closeStatus.put(k, status);
          }
          closed.incrementAndGet();
          return status;
        }
      };
    }

    void awaitBalanced(int calls) throws InterruptedException {
      awaitBalanced(calls, WAIT);
    }

    void awaitBalanced(int calls, Duration max) throws InterruptedException {
      Waits.until("every intercepted call closed once and every tracer ended once: " + this,
          () -> intercepted.get() == calls && closed.get() == calls && tracersEnded.get() == tracersAttached.get(),
          max);
      assertTrue(violations.isEmpty(), () -> "violations: " + violations);
    }

    @Override
    public String toString() {
      return "intercepted=" + intercepted + " closed=" + closed + " tracers=" + tracersAttached + " ended="
          + tracersEnded + " violations=" + violations;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the SDK back.

  List<MetricData> all(String name) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).toList();
  }

  long counterSum(String name) {
    return all(name).stream().flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(LongPointData::getValue)
        .sum();
  }

  long histogramCount(String name, Predicate<HistogramPointData> which) {
    return all(name).stream().flatMap(m -> m.getHistogramData().getPoints().stream()).filter(which)
        .mapToLong(HistogramPointData::getCount).sum();
  }

  long histogramCount(String name) {
    return histogramCount(name, p -> true);
  }

  double histogramSum(String name, MethodDescriptor<?, ?> method) {
    return all(name).stream().flatMap(m -> m.getHistogramData().getPoints().stream())
        .filter(p -> method.fullName().equals(p.getAttributes().get(METHOD)))
        .mapToDouble(HistogramPointData::getSum).sum();
  }

  static Predicate<HistogramPointData> status(String code) {
    return p -> code.equals(p.getAttributes().get(STATUS));
  }

  void awaitSpansEnded() throws InterruptedException {
    Waits.until("all spans ended: started=" + spansStarted + " ended=" + spansEnded,
        () -> spansStarted.get(SpanKind.CLIENT).get() == spansEnded.get(SpanKind.CLIENT).get()
            && spansStarted.get(SpanKind.SERVER).get() == spansEnded.get(SpanKind.SERVER).get(), WAIT);
  }

  void awaitServerBalanced() throws InterruptedException {
    Waits.until("server started == server duration count",
        () -> counterSum("grpc.server.call.started") == histogramCount("grpc.server.call.duration"), WAIT);
  }

  /** The outcome of a future as "OK:value" or "CODE:description". */
  static String outcome(Future<String> f) throws InterruptedException {
    try {
      return "OK:" + f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusException se) {
        return se.status().code() + ":" + se.status().description();
      }
      return "THREW:" + e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return "FUTURE_CANCELLED";
    } catch (TimeoutException e) {
      return "HUNG";
    }
  }

  @SuppressWarnings("unchecked")
  static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  static int platformThreads() {
    return Thread.getAllStackTraces().size();
  }

  // =============================================================================================
  // 1. Exactly one onClose / callEnded when cancellation races completion.

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void cancellationRacingCompletionClosesEachCallOnce(String transport) throws Exception {
    Accounting accounting = new Accounting();
    ConcurrentLinkedQueue<ClientInterceptor.Call<?, ?>> calls = new ConcurrentLinkedQueue<>();
    AtomicReference<ClientInterceptor.Call<?, ?>> last = new AtomicReference<>();
    ClientInterceptor grab = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        last.set(call);
        return null;
      }
    };
    String target = startServer(transport);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor(), grab);
    int n = 600;
    ScheduledExecutorService cancellers = Executors.newScheduledThreadPool(4);
    List<CompletableFuture<String>> futures = new ArrayList<>();
    try {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < n; i++) {
        CompletableFuture<String> f = i % 2 == 0 ? channel.callAsync(UNARY, "u" + i)
            : channel.callAsync(SLEEP, Integer.toString(random.nextInt(3)));
        futures.add(f);
        ClientInterceptor.Call<?, ?> c = last.get();
        long delayMicros = random.nextLong(3000);
        if (i % 3 == 0) {
          cancellers.schedule(() -> f.cancel(true), delayMicros, TimeUnit.MICROSECONDS);
        } else if (i % 3 == 1) {
          cancellers.schedule(() -> c.cancel(Status.CANCELLED.withDescription("cancelled at random")), delayMicros,
              TimeUnit.MICROSECONDS);
        } else {
          c.cancel(Status.ABORTED.withDescription("at once")); // right after start, on the caller's thread
        }
      }
      for (CompletableFuture<String> f : futures) {
        String o = outcome(f);
        assertTrue(!o.equals("HUNG"), "a call never completed");
      }
    } finally {
      cancellers.shutdownNow();
    }
    accounting.awaitBalanced(n);
    Waits.until("client call.duration count == calls", () -> histogramCount("grpc.client.call.duration") == n, WAIT);
    assertEquals(counterSum("grpc.client.attempt.started"), histogramCount("grpc.client.attempt.duration"),
        "every attempt started was ended");
    awaitServerBalanced();
    awaitSpansEnded();
    assertEquals(n, spansEnded.get(SpanKind.CLIENT).get());
  }

  // =============================================================================================
  // 2. Deadlines firing just as the response arrives: one close, and what the application sees
  //    is what the interceptor and the tracer saw.

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void deadlineRacingTheResponseIsConsistent(String transport) throws Exception {
    Accounting accounting = new Accounting();
    String target = startServer(transport);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor());
    int n = 400;
    List<CompletableFuture<String>> futures = new ArrayList<>();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      int sleep = 2 + random.nextInt(4);
      futures.add(channel.callAsync(SLEEP, Integer.toString(sleep),
          CallOptions.DEFAULT.withTimeout(Duration.ofMillis(sleep + random.nextInt(-1, 2)))));
    }
    int ok = 0;
    int exceeded = 0;
    for (CompletableFuture<String> f : futures) {
      String o = outcome(f);
      if (o.startsWith("OK:")) {
        ok++;
      } else if (o.startsWith("DEADLINE_EXCEEDED:")) {
        exceeded++;
      } else {
        fail("unexpected outcome " + o);
      }
    }
    accounting.awaitBalanced(n);
    long okClosed = histogramCount("grpc.client.call.duration", status("OK"));
    long exceededClosed = histogramCount("grpc.client.call.duration", status("DEADLINE_EXCEEDED"));
    assertEquals(ok, okClosed, "calls the application saw OK vs grpc.client.call.duration{OK}");
    assertEquals(exceeded, exceededClosed, "DEADLINE_EXCEEDED seen vs recorded");
    assertEquals(ok, histogramCount("grpc.client.attempt.duration", status("OK")), "attempt.duration{OK}");
    awaitServerBalanced();
    awaitSpansEnded();
  }

  /** The same race with a per-call key, comparing each call's future with its onClose and callEnded. */
  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void deadlineRacePerCallStatusesAgree(String transport) throws Exception {
    Accounting accounting = new Accounting();
    String target = startServer(transport);
    // each call carries its key in a header the outermost interceptor reads in intercept
    Channel channel = channel(target, accounting, telemetry.clientInterceptor());
    int n = 300;
    Map<String, CompletableFuture<String>> futures = new ConcurrentHashMap<>();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      String key = "call" + i;
      Metadata h = new Metadata();
      h.put("k", key);
      futures.put(key, channel.callAsync(SLEEP, Integer.toString(random.nextInt(1, 4)), CallOptions.DEFAULT
          .withHeaders(h).withTimeout(Duration.ofNanos(random.nextLong(500_000, 4_000_000)))));
    }
    for (Map.Entry<String, CompletableFuture<String>> e : futures.entrySet()) {
      String o = outcome(e.getValue());
      Status closed = Waits.until("onClose of " + e.getKey(), () -> accounting.closeStatus.get(e.getKey()),
          s -> s != null, WAIT);
      Status ended = Waits.until("callEnded of " + e.getKey(), () -> accounting.endStatus.get(e.getKey()),
          s -> s != null, WAIT);
      assertEquals(o.substring(0, o.indexOf(':')), closed.code().toString(), "future vs onClose for " + e.getKey());
      assertEquals(closed.code(), ended.code(), "onClose vs callEnded for " + e.getKey());
    }
    accounting.awaitBalanced(futures.size());
    awaitSpansEnded();
  }

  // =============================================================================================
  // 3. cancel() on a stream while another thread is blocked in receive().

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void cancelWhileAnotherThreadReceives(String transport) throws Exception {
    Accounting accounting = new Accounting();
    String target = startServer(transport);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor());
    int n = 200;
    for (int i = 0; i < n; i++) {
      ClientStream<String, String> stream = channel.newStream(SILENT);
      AtomicReference<Throwable> got = new AtomicReference<>();
      Thread receiver = Thread.ofVirtual().start(() -> {
        try {
          stream.receive();
          got.set(new AssertionError("receive returned"));
        } catch (Throwable t) {
          got.set(t);
        }
      });
      if (i % 2 == 0) {
        Waits.awaitParked(() -> receiver, Duration.ofMillis(2), Duration.ofSeconds(5));
      }
      stream.cancel();
      assertTrue(receiver.join(WAIT), "receiver woke");
      assertTrue(got.get() instanceof StatusException se && se.status().code() == Status.Code.CANCELLED,
          "receive threw CANCELLED: " + got.get());
    }
    accounting.awaitBalanced(n);
    assertEquals(n, histogramCount("grpc.client.call.duration", status("CANCELLED")));
    awaitServerBalanced();
    awaitSpansEnded();
  }

  // =============================================================================================
  // 4./5. shutdownNow on either side with calls in flight.

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void channelShutdownNowWithCallsInFlight(String transport) throws Exception {
    Accounting accounting = new Accounting();
    String target = startServer(transport);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor());
    int unary = 100;
    int streams = 20;
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < unary; i++) {
      futures.add(channel.callAsync(HANG, "h" + i));
    }
    List<Thread> receivers = new ArrayList<>();
    ConcurrentLinkedQueue<Throwable> streamErrors = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < streams; i++) {
      ClientStream<String, String> s = channel.newStream(SILENT);
      s.send("s" + i);
      receivers.add(Thread.ofVirtual().start(() -> {
        try {
          s.receive();
        } catch (Throwable t) {
          streamErrors.add(t);
        }
      }));
    }
    Waits.until("all handlers entered", () -> handlersEntered.get() == unary + streams, WAIT);
    channel.shutdownNow();
    for (CompletableFuture<String> f : futures) {
      String o = outcome(f);
      assertTrue(!o.startsWith("OK") && !o.equals("HUNG"), "in-flight call ended with failure: " + o);
    }
    for (Thread t : receivers) {
      assertTrue(t.join(WAIT), "stream receiver woke");
    }
    assertEquals(streams, streamErrors.size());
    accounting.awaitBalanced(unary + streams);
    assertEquals(unary + streams, histogramCount("grpc.client.call.duration"));
    Waits.until("server handlers released", () -> handlersRunning.get() == 0, WAIT);
    awaitServerBalanced();
    awaitSpansEnded();
    assertEquals(unary + streams, spansEnded.get(SpanKind.SERVER).get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void serverShutdownNowWithCallsInFlight(String transport) throws Exception {
    Accounting accounting = new Accounting();
    ConcurrentLinkedQueue<String> serverViolations = new ConcurrentLinkedQueue<>();
    AtomicInteger serverTraced = new AtomicInteger();
    AtomicInteger serverEnded = new AtomicInteger();
    CallTracer.Factory serverAccounting = (method, headers) -> {
      serverTraced.incrementAndGet();
      AtomicInteger ends = new AtomicInteger();
      return new CallTracer() {
        @Override
        public void callEnded(Status status, Metadata trailers) {
          if (ends.incrementAndGet() > 1) {
            serverViolations.add("server callEnded twice " + method.fullName());
          }
          serverEnded.incrementAndGet();
        }
      };
    };
    String target = startServer(transport, serverAccounting);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor());
    int unary = 100;
    int streams = 20;
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < unary; i++) {
      futures.add(channel.callAsync(HANG, "h" + i));
    }
    List<ClientStream<String, String>> open = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      ClientStream<String, String> s = channel.newStream(SILENT);
      s.send("s" + i);
      open.add(s);
    }
    Waits.until("all handlers entered", () -> handlersEntered.get() == unary + streams, WAIT);
    server.shutdownNow();
    for (CompletableFuture<String> f : futures) {
      String o = outcome(f);
      assertTrue(!o.startsWith("OK") && !o.equals("HUNG"), "in-flight call ended with failure: " + o);
    }
    for (ClientStream<String, String> s : open) {
      assertThrows(StatusException.class, s::receive);
    }
    accounting.awaitBalanced(unary + streams);
    Waits.until("server tracers ended", () -> serverEnded.get() == serverTraced.get(), WAIT);
    assertEquals(unary + streams, serverTraced.get());
    assertTrue(serverViolations.isEmpty(), serverViolations::toString);
    Waits.until("server handlers released", () -> handlersRunning.get() == 0, WAIT);
    awaitServerBalanced();
    awaitSpansEnded();
  }

  // =============================================================================================
  // 6. An interceptor cancelling the call from inside its own listener methods.

  static ClientInterceptor cancelIn(String event) {
    return new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        Status s = Status.ABORTED.withDescription("by " + event);
        if (event.equals("intercept")) {
          call.cancel(s);
        }
        return new Listener<>() {
          @Override
          public Req onSend(Req message) {
            if (event.equals("onSend")) {
              call.cancel(s);
            }
            return message;
          }

          @Override
          public void onHeaders(Metadata headers) {
            if (event.equals("onHeaders")) {
              call.cancel(s);
            }
          }

          @Override
          public Resp onMessage(Resp message) {
            if (event.equals("onMessage")) {
              call.cancel(s);
            }
            return message;
          }
        };
      }
    };
  }

  @ParameterizedTest
  @CsvSource({"inprocess,intercept", "inprocess,onSend", "inprocess,onHeaders", "inprocess,onMessage",
      "jetty,intercept", "jetty,onSend", "jetty,onHeaders", "jetty,onMessage"})
  void cancelFromInsideTheListener(String transport, String event) throws Exception {
    Accounting accounting = new Accounting();
    String target = startServer(transport);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor(), cancelIn(event));
    assertEquals("ABORTED:by " + event, outcome(channel.callAsync(UNARY, "x")), "unary");
    // and on a bidi stream the receiver sees it
    ClientStream<String, String> s = channel.newStream(ECHO);
    StatusException e = assertThrows(StatusException.class, () -> {
      s.send("a");
      s.receive();
      s.send("b");
      s.receive();
    });
    assertEquals(Status.Code.ABORTED, e.status().code(), e.toString());
    accounting.awaitBalanced(2);
    assertEquals(2, histogramCount("grpc.client.call.duration", status("ABORTED")));
    awaitSpansEnded();
  }

  // =============================================================================================
  // 7. Interceptors that throw, from each place.

  static ClientInterceptor throwIn(String event, String kind) {
    return new ClientInterceptor() {
      RuntimeException boom() {
        return switch (kind) {
          case "runtime" -> new IllegalStateException("boom in " + event);
          case "status" -> Status.PERMISSION_DENIED.withDescription("boom in " + event).asException();
          case "error" -> sneaky(new AssertionError("boom in " + event));
          case "checked" -> sneaky(new java.io.IOException("boom in " + event));
          default -> throw new IllegalArgumentException(kind);
        };
      }

      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        if (event.equals("intercept")) {
          throw boom();
        }
        return new Listener<>() {
          @Override
          public Req onSend(Req message) {
            if (event.equals("onSend")) {
              throw boom();
            }
            return message;
          }

          @Override
          public void onHeaders(Metadata headers) {
            if (event.equals("onHeaders")) {
              throw boom();
            }
          }

          @Override
          public Resp onMessage(Resp message) {
            if (event.equals("onMessage")) {
              throw boom();
            }
            return message;
          }

          @Override
          public Status onClose(Status status, Metadata trailers) {
            if (event.equals("onClose")) {
              throw boom();
            }
            return status;
          }
        };
      }
    };
  }

  @ParameterizedTest
  @CsvSource({
      "inprocess,intercept,runtime,INTERNAL", "inprocess,intercept,status,PERMISSION_DENIED",
      "inprocess,onSend,runtime,INTERNAL", "inprocess,onHeaders,runtime,INTERNAL",
      "inprocess,onMessage,runtime,INTERNAL", "inprocess,onClose,runtime,OK",
      "jetty,intercept,runtime,INTERNAL", "jetty,intercept,status,PERMISSION_DENIED",
      "jetty,onSend,runtime,INTERNAL", "jetty,onHeaders,runtime,INTERNAL",
      "jetty,onMessage,runtime,INTERNAL", "jetty,onClose,runtime,OK"})
  void throwingInterceptorEndsTheCallOnceAndSparesOthers(String transport, String event, String kind, String code)
      throws Exception {
    Accounting accounting = new Accounting();
    String target = startServer(transport);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor(), throwIn(event, kind));
    String o = outcome(channel.callAsync(UNARY, "x"));
    assertTrue(o.startsWith(code + ":"), "expected " + code + ", got " + o);
    accounting.awaitBalanced(1);
    awaitSpansEnded();
    assertEquals(1, spansEnded.get(SpanKind.CLIENT).get(), "the client span ended");
    // other calls of the channel: a clean channel to the same server still works
    Channel clean = channel(target);
    assertEquals("y", clean.call(UNARY, "y"));
  }

  /** "any other exception fails it with INTERNAL": also an Error, or a checked exception thrown sneakily? */
  @ParameterizedTest
  @CsvSource({"inprocess,intercept,error", "inprocess,intercept,checked", "inprocess,onSend,checked",
      "inprocess,onMessage,error", "jetty,onMessage,error", "jetty,onMessage,checked", "jetty,onHeaders,checked"})
  void nonRuntimeThrowablesFromAnInterceptor(String transport, String event, String kind) throws Exception {
    Accounting accounting = new Accounting();
    String target = startServer(transport);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor(), throwIn(event, kind));
    String o;
    try {
      o = outcome(channel.callAsync(UNARY, "x"));
    } catch (Throwable t) {
      o = "ESCAPED-TO-CALLER:" + t;
    }
    String outcome = o;
    org.junit.jupiter.api.Assertions.assertAll(
        () -> assertTrue(outcome.startsWith("INTERNAL:"), "expected the call to fail with INTERNAL, got " + outcome),
        () -> accounting.awaitBalanced(1, Duration.ofSeconds(3)),
        () -> Waits.until("the client span ended", () -> spansEnded.get(SpanKind.CLIENT).get() == 1,
            Duration.ofSeconds(3)));
  }

  /** A non-RuntimeException from onMessage on a stream: is the message silently dropped, the call OK? */
  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void sneakyCheckedExceptionFromOnMessageOnAStream(String transport) throws Exception {
    ClientInterceptor dropB = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        return new Listener<>() {
          @Override
          public Resp onMessage(Resp message) {
            if ("b".equals(message)) {
              throw sneaky(new java.io.IOException("cannot handle b"));
            }
            return message;
          }
        };
      }
    };
    String target = startServer(transport);
    Channel channel = channel(target, telemetry.clientInterceptor(), dropB);
    List<String> got = new ArrayList<>();
    String end;
    // bounded: without a deadline the call below is never heard of again
    try (ClientStream<String, String> s = channel.newStream(ECHO, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(3)))) {
      try {
        // the echo of "b" may end the call before "c" is sent: send then throws the call's status
        s.send("a");
        s.send("b");
        s.send("c");
        s.halfClose();
        for (String r; (r = s.receive()) != null; ) {
          got.add(r);
        }
        end = "OK";
      } catch (StatusException e) {
        end = e.status().code().toString();
      }
    }
    assertEquals("INTERNAL", end, "a listener that throws ends the call with INTERNAL; received " + got);
  }

  /** onClose is "called exactly once, last": is an outbound onSend ever seen after it on the same thread? */
  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void onCloseIsTheLastEventOfACallFailedBeforeItStarts(String transport) throws Exception {
    ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    ClientInterceptor recorder = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        return new Listener<>() {
          @Override
          public Req onSend(Req message) {
            events.add("onSend");
            return message;
          }

          @Override
          public Status onClose(Status status, Metadata trailers) {
            events.add("onClose:" + status.code());
            return status;
          }
        };
      }
    };
    ClientInterceptor refuse = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        throw Status.PERMISSION_DENIED.asException();
      }
    };
    String target = startServer(transport);
    Channel channel = channel(target, recorder, refuse);
    assertThrows(StatusException.class, () -> channel.call(UNARY, "x"));
    assertEquals("onClose:PERMISSION_DENIED", List.copyOf(events).getLast(), "onClose last: " + events);
  }

  // =============================================================================================
  // 8. A slow / blocking onMessage: does it stall other calls of the same channel?

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void blockingOnMessageAndOtherCalls(String transport) throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ClientInterceptor blocking = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        return new Listener<>() {
          @Override
          public Resp onMessage(Resp message) {
            if ("BLOCK".equals(message)) {
              entered.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return message;
          }
        };
      }
    };
    String target = startServer(transport);
    Channel channel = channel(target, blocking);
    CompletableFuture<String> blocked = channel.callAsync(UNARY, "BLOCK");
    try {
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      int others = 20;
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < others; i++) {
        fs.add(channel.callAsync(UNARY, "free" + i));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      int done = 0;
      for (CompletableFuture<String> f : fs) {
        try {
          f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          done++;
        } catch (TimeoutException e) {
          // stalled
        }
      }
      release.countDown();
      for (CompletableFuture<String> f : fs) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      release.countDown();
    }
    assertEquals("BLOCK", blocked.get(10, TimeUnit.SECONDS));
  }

  // =============================================================================================
  // 9. Tracers that throw on every event, client and server; tracer factories that throw.

  static final class Thrower implements CallTracer {
    final AtomicInteger events;

    Thrower(AtomicInteger events) {
      this.events = events;
    }

    RuntimeException boom(String e) {
      events.incrementAndGet();
      return new IllegalStateException("tracer boom " + e);
    }

    @Override
    public void outboundHeaders(Metadata headers) {
      throw boom("outboundHeaders");
    }

    @Override
    public void inboundHeaders(Metadata headers) {
      throw boom("inboundHeaders");
    }

    @Override
    public void outboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
      throw boom("outboundMessage");
    }

    @Override
    public void inboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
      throw boom("inboundMessage");
    }

    @Override
    public void handlerStarting() {
      throw boom("handlerStarting");
    }

    @Override
    public void handlerFinished() {
      throw boom("handlerFinished");
    }

    @Override
    public void callEnded(Status status, Metadata trailers) {
      throw boom("callEnded");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void tracersThatThrowOnEveryEventChangeNothing(String transport) throws Exception {
    AtomicInteger clientEvents = new AtomicInteger();
    AtomicInteger serverEvents = new AtomicInteger();
    ClientInterceptor throwingTracer = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        call.addTracer(new Thrower(clientEvents));
        return null;
      }
    };
    CallTracer.Factory throwingFactory = (m, h) -> {
      throw new IllegalStateException("factory boom");
    };
    CallTracer.Factory throwingTracers = (m, h) -> new Thrower(serverEvents);
    // warm up, then count platform threads
    String target = startServer(transport, throwingFactory, throwingTracers);
    Accounting accounting = new Accounting();
    Channel channel = channel(target, throwingTracer, accounting, telemetry.clientInterceptor(), throwingTracer);
    assertEquals("w", channel.call(UNARY, "w"));
    int threadsBefore = platformThreads();
    int rounds = 200;
    for (int i = 0; i < rounds; i++) {
      assertEquals("m" + i, channel.call(UNARY, "m" + i));
      assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusException.class, () -> channel.call(FAIL, "f")).status()
          .code());
      try (ClientStream<String, String> s = channel.newStream(ECHO)) {
        s.send("e");
        assertEquals("e", s.receive());
        s.halfClose();
        assertEquals(null, s.receive());
      }
    }
    accounting.awaitBalanced(1 + 3 * rounds);
    assertTrue(clientEvents.get() > 0 && serverEvents.get() > 0, "the tracers were called");
    assertEquals(1 + 3 * rounds, histogramCount("grpc.client.call.duration"));
    awaitServerBalanced();
    awaitSpansEnded();
    int threadsAfter = Waits.until("platform threads back near " + threadsBefore, AbuseTest::platformThreads,
        t -> t <= threadsBefore + 4, WAIT);
  }

  // =============================================================================================
  // 10. OpenTelemetry counts under concurrency.

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void metricCountsAreExactUnderConcurrency(String transport) throws Exception {
    String target = startServer(transport);
    // Counts the calls whose transport call started (their request headers went out): a call whose
    // 5 ms run out while the interceptors run never reaches the transport and is no attempt.
    AtomicInteger transportStarts = new AtomicInteger();
    ClientInterceptor startCounter = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        call.addTracer(new CallTracer() {
          @Override
          public void outboundHeaders(Metadata headers) {
            transportStarts.incrementAndGet();
          }
        });
        return null;
      }
    };
    Channel channel = channel(target, startCounter, telemetry.clientInterceptor());
    int threads = 16;
    int perThread = 200;
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger notFound = new AtomicInteger();
    AtomicInteger exceeded = new AtomicInteger();
    ConcurrentLinkedQueue<String> odd = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            try {
              switch (i % 3) {
                case 0 -> channel.call(UNARY, "ok");
                case 1 -> channel.call(FAIL, "f");
                default -> channel.call(SLEEP, "200", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(5)));
              }
              ok.incrementAndGet();
            } catch (StatusException e) {
              switch (e.status().code()) {
                case NOT_FOUND -> notFound.incrementAndGet();
                case DEADLINE_EXCEEDED -> exceeded.incrementAndGet();
                default -> odd.add(e.status().toString());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int n = threads * perThread;
    assertTrue(odd.isEmpty(), () -> "unexpected statuses: " + odd);
    assertEquals(n, ok.get() + notFound.get() + exceeded.get());
    int attempts = transportStarts.get();
    assertTrue(attempts >= ok.get() + notFound.get() && attempts <= n,
        "every answered call was an attempt, and no call was two: " + attempts);
    assertEquals(attempts, counterSum("grpc.client.attempt.started"), "attempt.started");
    assertEquals(attempts, histogramCount("grpc.client.attempt.duration"), "attempt.duration count");
    assertEquals(n, histogramCount("grpc.client.call.duration"), "call.duration count");
    assertEquals(ok.get(), histogramCount("grpc.client.call.duration", status("OK")));
    assertEquals(notFound.get(), histogramCount("grpc.client.call.duration", status("NOT_FOUND")));
    assertEquals(exceeded.get(), histogramCount("grpc.client.call.duration", status("DEADLINE_EXCEEDED")));
    assertEquals(attempts, histogramCount("grpc.client.attempt.sent_total_compressed_message_size"));
    assertEquals(attempts, histogramCount("grpc.client.attempt.rcvd_total_compressed_message_size"));
    awaitServerBalanced();
    long serverStarted = counterSum("grpc.server.call.started");
    assertTrue(serverStarted >= ok.get() + notFound.get(), "server saw at least the calls that were answered");
    assertEquals(serverStarted, histogramCount("grpc.server.call.sent_total_compressed_message_size"));
    assertEquals(ok.get(), histogramCount("grpc.server.call.duration", status("OK")));
    assertEquals(notFound.get(), histogramCount("grpc.server.call.duration", status("NOT_FOUND")));
    awaitSpansEnded();
    assertEquals(n, spansEnded.get(SpanKind.CLIENT).get(), "client spans");
    assertEquals(serverStarted, spansEnded.get(SpanKind.SERVER).get(), "server spans");
  }

  // =============================================================================================
  // 11. Sizes: 0 B, 1 B, 1 MiB; and gzip.

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void sizeSumsEqualTheBytesSent(String transport) throws Exception {
    String target = startServer(transport);
    Channel channel = channel(target, telemetry.clientInterceptor());
    int[] sizes = {0, 1, 1 << 20, 0, 7};
    long total = 0;
    for (int size : sizes) {
      assertEquals(size, channel.call(UNARY, "a".repeat(size)).length());
      total += size;
    }
    // a client stream of mixed sizes
    long streamed = 0;
    try (ClientStream<String, String> s = channel.newStream(COLLECT)) {
      for (int size : sizes) {
        s.send("b".repeat(size));
        streamed += size;
      }
      s.halfClose();
      assertEquals(Long.toString(streamed), s.receive());
      assertEquals(null, s.receive());
    }
    long t = total;
    Waits.until("server recorded", () -> histogramCount("grpc.server.call.duration") == sizes.length + 1, WAIT);
    assertEquals(t, (long) histogramSum("grpc.client.attempt.sent_total_compressed_message_size", UNARY), "client sent");
    assertEquals(t, (long) histogramSum("grpc.client.attempt.rcvd_total_compressed_message_size", UNARY), "client rcvd");
    assertEquals(t, (long) histogramSum("grpc.server.call.rcvd_total_compressed_message_size", UNARY), "server rcvd");
    assertEquals(t, (long) histogramSum("grpc.server.call.sent_total_compressed_message_size", UNARY), "server sent");
    assertEquals(streamed, (long) histogramSum("grpc.client.attempt.sent_total_compressed_message_size", COLLECT));
    assertEquals(streamed, (long) histogramSum("grpc.server.call.rcvd_total_compressed_message_size", COLLECT));
    assertEquals(Long.toString(streamed).length(),
        (long) histogramSum("grpc.server.call.sent_total_compressed_message_size", COLLECT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void gzipShrinksTheWireSizeAndBothSidesAgree(String transport) throws Exception {
    String target = startServer(transport);
    Channel channel = channel(target, telemetry.clientInterceptor());
    CallOptions gzip = CallOptions.DEFAULT.withCompression("gzip");
    int[] sizes = {0, 1, 1 << 20};
    long raw = 0;
    for (int size : sizes) {
      assertEquals(size, channel.call(UNARY, "a".repeat(size), gzip).length());
      raw += size;
    }
    Waits.until("server recorded", () -> histogramCount("grpc.server.call.duration") == sizes.length, WAIT);
    long clientSent = (long) histogramSum("grpc.client.attempt.sent_total_compressed_message_size", UNARY);
    long serverRcvd = (long) histogramSum("grpc.server.call.rcvd_total_compressed_message_size", UNARY);
    assertEquals(clientSent, serverRcvd, "the server's rcvd equals the client's sent");
    if (transport.equals("jetty")) {
      assertTrue(clientSent < raw / 10, "1 MiB of 'a' compresses: " + clientSent + " of " + raw);
    } else {
      assertEquals(raw, clientSent, "in process nothing is compressed: the encoded sizes");
    }
  }

  // =============================================================================================
  // 12. Span parents.

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void aCurrentSpanIsTheParentOfTheClientSpanForEveryCallKind(String transport) throws Exception {
    String target = startServer(transport);
    Channel channel = channel(target, telemetry.clientInterceptor());
    Span parent = otel.getTracer("abuse").spanBuilder("parent").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      channel.call(UNARY, "blocking");
      // asynchronous: started here, completed on another thread
      channel.callAsync(UNARY, "async").get(10, TimeUnit.SECONDS);
      try (ClientStream<String, String> s = channel.newStream(ECHO)) {
        s.send("stream");
        s.receive();
        s.halfClose();
        s.receive();
      }
    } finally {
      parent.end();
    }
    // and with no current span: a new trace
    channel.call(UNARY, "orphan");
    Waits.until("4 client spans", () -> spansEnded.get(SpanKind.CLIENT).get() == 4, WAIT);
    List<SpanData> clients = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
    String parentId = parent.getSpanContext().getSpanId();
    long children = clients.stream().filter(s -> s.getParentSpanId().equals(parentId)).count();
    assertEquals(3, children, "blocking, async and stream client spans are children of the current span");
    assertEquals(1, clients.stream().filter(s -> !s.getParentSpanContext().isValid()).count(), "the orphan is a root");
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void nestedCallsFromThreadsTheHandlerSpawns(String transport) throws Exception {
    String target = startServer(transport);
    Channel channel = channel(target, telemetry.clientInterceptor());
    nestedChannel = channel;
    assertEquals("thread:from-thread", channel.call(NESTED_THREAD, "x"));
    assertEquals("wrapped:wrapped", channel.call(NESTED_WRAPPED, "x"));
    Waits.until("6 spans each side", () -> spansEnded.get(SpanKind.CLIENT).get() == 4
        && spansEnded.get(SpanKind.SERVER).get() == 4, WAIT);
    List<SpanData> all = spans.getFinishedSpanItems();
    SpanData threadHandler = find(all, NESTED_THREAD, SpanKind.SERVER);
    SpanData wrappedHandler = find(all, NESTED_WRAPPED, SpanKind.SERVER);
    List<SpanData> innerClients = all.stream()
        .filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().equals(UNARY.fullName())).toList();
    assertEquals(2, innerClients.size());
    boolean plainInherits = innerClients.stream().anyMatch(s -> s.getParentSpanId().equals(threadHandler.getSpanId()));
    boolean wrappedInherits = innerClients.stream()
        .anyMatch(s -> s.getParentSpanId().equals(wrappedHandler.getSpanId()));
    assertTrue(!plainInherits, "a plain spawned thread does not inherit the handler's span");
    assertTrue(wrappedInherits, "a Context.wrap'ed task continues the handler's trace");
  }

  static SpanData find(List<SpanData> all, MethodDescriptor<?, ?> m, SpanKind kind) {
    return all.stream().filter(s -> s.getName().equals(m.fullName()) && s.getKind() == kind).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " span " + m.fullName()));
  }

  // =============================================================================================
  // 13. No attempt for calls that never reach the transport.

  @Test
  void attemptStartedForCallsThatNeverReachTheTransport() throws Exception {
    String target = startServer("jetty");
    Channel channel = channel(target, telemetry.clientInterceptor());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, assertThrows(StatusException.class, () -> channel.call(UNARY, "x",
        CallOptions.DEFAULT.withDeadline(Deadline.after(Duration.ofNanos(1))))).status().code());
    channel.shutdownNow();
    assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusException.class, () -> channel.call(UNARY, "y"))
        .status().code());
    assertEquals(2, histogramCount("grpc.client.call.duration"));
    assertEquals(0, counterSum("grpc.client.attempt.started"), "a call refused before the transport is no attempt");
    assertEquals(0, histogramCount("grpc.client.attempt.duration"));
    assertEquals(0, counterSum("grpc.server.call.started"));
  }

  // =============================================================================================
  // 14. Misuse of the Call after intercept returned; null returns from listener methods.

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void callSettersAfterInterceptThrow(String transport) throws Exception {
    AtomicReference<ClientInterceptor.Call<?, ?>> stash = new AtomicReference<>();
    ConcurrentLinkedQueue<String> insideListener = new ConcurrentLinkedQueue<>();
    ClientInterceptor stasher = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        stash.set(call);
        return new Listener<>() {
          @Override
          public Req onSend(Req message) {
            probe("onSend", call);
            return message;
          }

          @Override
          public Resp onMessage(Resp message) {
            probe("onMessage", call);
            return message;
          }

          @Override
          public Status onClose(Status status, Metadata trailers) {
            probe("onClose", call);
            return status;
          }

          private void probe(String where, Call<?, ?> c) {
            try {
              c.headers();
              insideListener.add(where + ": headers() did not throw");
            } catch (IllegalStateException expected) {
              // ok
            }
            try {
              c.setOptions(CallOptions.DEFAULT);
              insideListener.add(where + ": setOptions did not throw");
            } catch (IllegalStateException expected) {
              // ok
            }
            try {
              c.addTracer(new CallTracer() {});
              insideListener.add(where + ": addTracer did not throw");
            } catch (IllegalStateException expected) {
              // ok
            }
          }
        };
      }
    };
    String target = startServer(transport);
    Channel channel = channel(target, stasher, telemetry.clientInterceptor());
    assertEquals("x", channel.call(UNARY, "x"));
    ClientInterceptor.Call<?, ?> call = stash.get();
    assertThrows(IllegalStateException.class, call::headers);
    assertThrows(IllegalStateException.class, () -> call.setOptions(CallOptions.DEFAULT));
    assertThrows(IllegalStateException.class, () -> call.addTracer(new CallTracer() {}));
    call.cancel(Status.CANCELLED); // documented safe at any time: no effect after the end
    assertTrue(insideListener.isEmpty(), insideListener::toString);
    assertEquals(1, histogramCount("grpc.client.call.duration", status("OK")), "the late cancel changed nothing");
    // from another thread while the call is in flight: also closed
    CompletableFuture<String> hang = channel.callAsync(HANG, "h");
    Waits.until("handler entered", () -> handlersEntered.get() == 1, WAIT);
    ClientInterceptor.Call<?, ?> live = stash.get();
    assertThrows(IllegalStateException.class, live::headers);
    live.cancel(Status.ABORTED.withDescription("late"));
    assertEquals("ABORTED:late", outcome(hang));
  }

  static ClientInterceptor returnsNullFrom(String event) {
    return new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        return new Listener<>() {
          @Override
          public Req onSend(Req message) {
            return event.equals("onSend") ? null : message;
          }

          @Override
          public Resp onMessage(Resp message) {
            return event.equals("onMessage") ? null : message;
          }

          @Override
          public Status onClose(Status status, Metadata trailers) {
            return event.equals("onClose") ? null : status;
          }
        };
      }
    };
  }

  @ParameterizedTest
  @CsvSource({"inprocess,onSend", "inprocess,onMessage", "inprocess,onClose", "jetty,onSend", "jetty,onMessage",
      "jetty,onClose"})
  void nullReturnsFromListenerMethods(String transport, String event) throws Exception {
    Accounting accounting = new Accounting();
    String target = startServer(transport);
    Channel channel = channel(target, accounting, telemetry.clientInterceptor(), returnsNullFrom(event));
    String o = outcome(channel.callAsync(UNARY, "x"));
    if (event.equals("onClose")) {
      assertEquals("OK:x", o, "a null status from onClose passes the status on");
    } else {
      assertTrue(o.startsWith("INTERNAL:") && o.contains("returned null"), o);
    }
    accounting.awaitBalanced(1);
    awaitSpansEnded();
  }
}
