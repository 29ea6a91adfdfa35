package rpc.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rpc.api.BidiStreamingHandler;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientInterceptor;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.MethodDescriptor.Kind;
import rpc.api.Server;
import rpc.api.ServerContext;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.UnaryHandler;
import rpc.testkit.StringCodec;
import rpc.testkit.Waits;

/**
 * "A call a server handler makes on its own thread inherits the handler's call" (README,
 * Channel.Builder#inheritHandlerContext), tried the way a careless or hostile user would break it,
 * over both transports: nested streams, spawned threads, handlers that return or fail, deadlines,
 * three-level chains, shutdown, pooled handler threads, thousands of calls from one handler.
 */
@Timeout(120)
class HandlerContextAbuseTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();

  static MethodDescriptor<String, String> method(String name, Kind kind) {
    return MethodDescriptor.of("abuse.Ctx/" + name, kind, StringCodec.INSTANCE, StringCodec.INSTANCE);
  }

  static final MethodDescriptor<String, String> ECHO = method("Echo", Kind.UNARY);
  /** Waits for {@link #release}, or until its call is cancelled. */
  static final MethodDescriptor<String, String> HOLD = method("Hold", Kind.UNARY);
  /** Reports the deadline it got: "none" or remaining nanos. */
  static final MethodDescriptor<String, String> DEADLINE = method("Deadline", Kind.UNARY);
  /** Bidi: receives until the end, sends nothing. */
  static final MethodDescriptor<String, String> SINK = method("Sink", Kind.BIDI_STREAMING);
  /** Server streaming: sends one message, then waits until cancelled. */
  static final MethodDescriptor<String, String> DRIP = method("Drip", Kind.SERVER_STREAMING);
  /** The outer calls; their handlers are set by each test. */
  static final MethodDescriptor<String, String> OUTER = method("Outer", Kind.UNARY);
  static final MethodDescriptor<String, String> MIDDLE = method("Middle", Kind.UNARY);

  final List<AutoCloseable> open = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  /** Server contexts of HOLD, SINK and DRIP calls, in arrival order. */
  final ConcurrentLinkedQueue<ServerContext> holds = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<ServerContext> sinks = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<ServerContext> drips = new ConcurrentLinkedQueue<>();
  volatile UnaryHandler<String, String> outer;
  volatile UnaryHandler<String, String> middle;
  /** The channel handlers call through. */
  volatile Channel nested;

  ServiceDefinition service() {
    return ServiceDefinition.newBuilder("abuse.Ctx")
        .unary(ECHO, (r, c) -> r)
        .unary(HOLD, (r, c) -> {
          holds.add(c);
          if (!release.await(WAIT.toMillis() * 3, TimeUnit.MILLISECONDS)) {
            throw Status.ABORTED.withDescription("HOLD never released").asException();
          }
          return "released";
        })
        .unary(DEADLINE, (r, c) -> c.deadline() == null ? "none" : Long.toString(c.deadline().remainingNanos()))
        .bidiStreaming(SINK, (BidiStreamingHandler<String, String>) s -> {
          sinks.add(s.context());
          while (s.receive() != null) {
            // drain
          }
        })
        .serverStreaming(DRIP, (r, s) -> {
          drips.add(s.context());
          s.send("first");
          if (!release.await(WAIT.toMillis() * 3, TimeUnit.MILLISECONDS)) {
            throw Status.ABORTED.withDescription("DRIP never released").asException();
          }
        })
        .unary(OUTER, (r, c) -> outer.handle(r, c))
        .unary(MIDDLE, (r, c) -> middle.handle(r, c))
        .build();
  }

  String address(String transport) {
    return transport.equals("inprocess") ? "inprocess:ctxabuse-" + NAMES.incrementAndGet() : "127.0.0.1:0";
  }

  Server startServer(String transport, ExecutorService executor) throws Exception {
    Server server = Server.newBuilder().listen(address(transport)).executor(executor).addService(service())
        .build().start();
    open.add(server::shutdownNow);
    return server;
  }

  Channel channel(Server server, UnaryOperator<Channel.Builder> config) {
    String target = server.address().startsWith("inprocess:") ? server.address() : "127.0.0.1:" + server.port();
    Channel c = config.apply(Channel.newBuilder(target)).build();
    open.add(c);
    return c;
  }

  /** A server on {@code transport}; {@link #nested} points at it; returns a client channel. */
  Channel start(String transport) throws Exception {
    Server server = startServer(transport, null);
    nested = channel(server, b -> b);
    return channel(server, b -> b);
  }

  @AfterEach
  void close() throws Exception {
    release.countDown();
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  // ---- helpers ----

  static Status statusOf(Throwable t) {
    Throwable c = t instanceof ExecutionException ? t.getCause() : t;
    if (c instanceof StatusException s) {
      return s.status();
    }
    throw new AssertionError("not a StatusException: " + c, c);
  }

  /**
   * Waits for {@code f} at most {@code max}, swallowing interrupts (so the handler's own interrupt on
   * cancellation plays no part: only inheritance can end the nested call); the outcome as a status.
   */
  static Status awaitIgnoringInterrupts(CompletableFuture<?> f, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() - end < 0) {
      try {
        f.get(50, TimeUnit.MILLISECONDS);
        return Status.OK;
      } catch (InterruptedException ignored) {
        // keep waiting: the point is that the interrupt is not what ends the nested call
      } catch (TimeoutException ignored) {
        // poll again
      } catch (ExecutionException e) {
        return statusOf(e);
      }
    }
    return null; // never ended
  }

  static Object handlerCallOnThisThread() {
    try {
      return Class.forName("rpc.api.internal.HandlerCall").getMethod("current").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The number of cancel actions registered on a server call's context (internal, by reflection). */
  static int registeredActions(ServerContext context) {
    try {
      Field f = context.getClass().getDeclaredField("cancelActions");
      f.setAccessible(true);
      List<?> l = (List<?>) f.get(context);
      return l == null ? 0 : l.size();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
  }

  // ---- 1. streaming nested calls ----

  /**
   * A bidi stream started by the handler, read by a thread the handler started, while the handler
   * itself ignores interrupts: only the inherited cancellation can wake that receive().
   */
  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void bidiNestedStreamReceiverOnOtherThreadWakesWithCancelled(String transport) throws Exception {
    Channel client = start(transport);
    CompletableFuture<Status> received = new CompletableFuture<>();
    AtomicReference<Thread> receiver = new AtomicReference<>();
    outer = (r, c) -> {
      ClientStream<String, String> s = nested.newStream(SINK);
      s.send("x");
      receiver.set(Thread.ofVirtual().start(() -> {
        try {
          String m = s.receive();
          received.complete(Status.INTERNAL.withDescription("receive returned " + m));
        } catch (StatusException e) {
          received.complete(e.status());
        } catch (Throwable t) {
          received.completeExceptionally(t);
        }
      }));
      awaitIgnoringInterrupts(received, WAIT.multipliedBy(3));
      return "outer done";
    };
    CompletableFuture<String> call = client.callAsync(OUTER, "go", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)));
    Waits.until("the nested SINK call reached its handler", () -> sinks.size() == 1, WAIT);
    assertTrue(Waits.awaitParked(receiver::get, Duration.ofMillis(100), WAIT), "receiver never blocked in receive()");
    ServerContext sink = sinks.peek();
    assertNotNull(sink.deadline(), "the nested stream did not inherit the outer 30 s deadline");
    assertTrue(sink.deadline().remaining().compareTo(Duration.ofSeconds(30)) <= 0, "nested deadline later: " + sink.deadline());
    call.cancel(true);
    Status st = received.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(Status.Code.CANCELLED, st.code(), "receive() on the nested stream woke with " + st);
    assertTrue(String.valueOf(st.description()).contains("whose handler made this call ended"), st.description());
    Waits.until("the nested SINK call's server saw the cancellation", sink::isCancelled, WAIT);
  }

  /** A server-streaming nested call read on the handler's own thread, blocked when the outer call is cancelled. */
  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void serverStreamingNestedOnHandlerThreadEndsCancelled(String transport) throws Exception {
    Channel client = start(transport);
    CompletableFuture<Status> second = new CompletableFuture<>();
    CountDownLatch gotFirst = new CountDownLatch(1);
    outer = (r, c) -> {
      ClientStream<String, String> s = nested.newStream(DRIP);
      s.sendAndClose("go");
      try {
        assertEquals("first", s.receive());
        gotFirst.countDown();
        String m = s.receive();
        second.complete(Status.INTERNAL.withDescription("second receive returned " + m));
      } catch (StatusException e) {
        second.complete(e.status());
      }
      return "done";
    };
    CompletableFuture<String> call = client.callAsync(OUTER, "go");
    assertTrue(gotFirst.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "nested stream's first message never came");
    call.cancel(true);
    Status st = second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(Status.Code.CANCELLED, st.code(), "the blocked receive() ended with " + st);
    Waits.until("the DRIP server saw the cancellation", () -> drips.peek().isCancelled(), WAIT);
  }

  // ---- 2. threads the handler spawns ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void callsFromAThreadTheHandlerSpawnsAreIndependent(String transport) throws Exception {
    Channel client = start(transport);
    CompletableFuture<CompletableFuture<String>> spawnedCall = new CompletableFuture<>();
    CompletableFuture<String> spawnedDeadline = new CompletableFuture<>();
    CompletableFuture<Object> spawnedHandlerCall = new CompletableFuture<>();
    CompletableFuture<Object> ownHandlerCall = new CompletableFuture<>();
    outer = (r, c) -> {
      ownHandlerCall.complete(String.valueOf(handlerCallOnThisThread()));
      Thread.ofPlatform().start(() -> {
        spawnedHandlerCall.complete(String.valueOf(handlerCallOnThisThread()));
        spawnedDeadline.complete(nested.call(DEADLINE, "?"));
        spawnedCall.complete(nested.callAsync(HOLD, "spawned"));
      });
      Thread.sleep(WAIT.multipliedBy(3)); // until cancelled
      return "not cancelled";
    };
    CompletableFuture<String> call = client.callAsync(OUTER, "go", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20)));
    CompletableFuture<String> held = spawnedCall.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(!"null".equals(ownHandlerCall.get()), "the handler's own thread has no HandlerCall");
    assertEquals("null", spawnedHandlerCall.get(), "a spawned thread sees the handler's call");
    assertEquals("none", spawnedDeadline.get(), "a call from a spawned thread inherited a deadline");
    Waits.until("the spawned HOLD reached its handler", () -> holds.size() == 1, WAIT);
    assertNull(holds.peek().deadline(), "the spawned async call carries a deadline");
    call.cancel(true);
    Waits.holds("the spawned call is not cancelled with the outer one",
        () -> !held.isDone() && !holds.peek().isCancelled(), Duration.ofSeconds(1));
    release.countDown();
    assertEquals("released", held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  // ---- 3. the handler returns while its async nested call runs ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void handlerReturningNormallyDoesNotCancelItsAsyncNestedCall(String transport) throws Exception {
    Channel client = start(transport);
    CompletableFuture<CompletableFuture<String>> started = new CompletableFuture<>();
    AtomicReference<ServerContext> outerContext = new AtomicReference<>();
    outer = (r, c) -> {
      outerContext.set(c);
      started.complete(nested.callAsync(HOLD, "async"));
      Waits.until("nested HOLD reached its handler", () -> holds.size() == 1, WAIT);
      return "returned";
    };
    assertEquals("returned", client.call(OUTER, "go"));
    CompletableFuture<String> held = started.get();
    Waits.holds("the nested call survives its handler returning OK",
        () -> !held.isDone() && !holds.peek().isCancelled(), Duration.ofSeconds(1));
    assertEquals(1, registeredActions(outerContext.get()), "registered action while nested runs");
    release.countDown();
    assertEquals("released", held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    Waits.until("the finished nested call's action forgotten", () -> registeredActions(outerContext.get()) == 0, WAIT);
  }

  /** The same, but the handler fails (UNKNOWN / a StatusException): does its nested call survive? */
  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void handlerFailingDoesNotCancelItsAsyncNestedCall(String transport) throws Exception {
    Channel client = start(transport);
    CompletableFuture<CompletableFuture<String>> started = new CompletableFuture<>();
    outer = (r, c) -> {
      started.complete(nested.callAsync(HOLD, "async"));
      Waits.until("nested HOLD reached its handler", () -> holds.size() == 1, WAIT);
      throw Status.FAILED_PRECONDITION.withDescription("handler failed").asException();
    };
    StatusException e = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class, () -> client.call(OUTER, "go"));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.status().code());
    CompletableFuture<String> held = started.get();
    Waits.holds("the nested call survives its handler failing",
        () -> !held.isDone() && !holds.peek().isCancelled(), Duration.ofSeconds(1));
    release.countDown();
    assertEquals("released", held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  // ---- 4. outer deadline shorter than the nested call's ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void nestedCallsEndDeadlineExceededAtTheOuterDeadline(String transport) throws Exception {
    Channel client = start(transport);
    int trials = 20;
    long outerMillis = 300;
    Map<String, AtomicInteger> codes = new ConcurrentHashMap<>();
    Map<String, String> samples = new ConcurrentHashMap<>();
    List<String> late = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      boolean async = i % 2 == 1;
      CompletableFuture<long[]> result = new CompletableFuture<>(); // {code ordinal, lateness ms}
      CompletableFuture<Status> status = new CompletableFuture<>();
      outer = (r, c) -> {
        long deadlineAt = System.nanoTime() + c.deadline().remainingNanos();
        CallOptions ten = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
        Status s;
        if (async) {
          s = awaitIgnoringInterrupts(nested.callAsync(HOLD, "a", ten), WAIT);
        } else {
          try {
            nested.call(HOLD, "b", ten);
            s = Status.OK;
          } catch (StatusException e) {
            s = e.status();
          }
        }
        long lateMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadlineAt);
        status.complete(s);
        result.complete(new long[] {lateMs});
        return "x";
      };
      CompletableFuture<String> call = client.callAsync(OUTER, "go", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(outerMillis)));
      Status s = status.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      long lateMs = result.get()[0];
      String key = (async ? "async:" : "blocking:") + s.code();
      codes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      samples.putIfAbsent(key, String.valueOf(s.description()));
      // far short of the nested calls' own 10 s: they ended because the outer deadline passed (no
      // tighter bound: a loaded machine may be slow to run the timers)
      if (lateMs > 5_000) {
        late.add((async ? "async " : "blocking ") + lateMs + " ms late: " + s);
      }
      try {
        call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException expected) {
        // outer DEADLINE_EXCEEDED
      }
    }
    assertTrue(late.isEmpty(), "nested calls ended well after the outer deadline: " + late);
    // Over the network the client's own timer may reset the outer call a moment before the server's
    // (which counts from the request's arrival) fires: the handler's call then ends CANCELLED, and so
    // do the calls it made. Otherwise they end as it did, DEADLINE_EXCEEDED.
    assertTrue(codes.keySet().stream().allMatch(k -> k.endsWith("DEADLINE_EXCEEDED")
            || transport.equals("jetty") && samples.get(k).contains("ended: CANCELLED")),
        "nested calls cut by the outer deadline ended with: " + codes + " e.g. " + samples);
  }

  // ---- 5. chain A -> B -> C ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void cancellingTheFirstOfAThreeLevelChainCancelsTheLast(String transport) throws Exception {
    Channel client = start(transport);
    CompletableFuture<Status> aSaw = new CompletableFuture<>();
    CompletableFuture<Status> bSaw = new CompletableFuture<>();
    // async nested calls, interrupts ignored: only inheritance carries the cancellation down
    outer = (r, c) -> {
      aSaw.complete(awaitIgnoringInterrupts(nested.callAsync(MIDDLE, "b"), WAIT.multipliedBy(2)));
      return "a";
    };
    middle = (r, c) -> {
      bSaw.complete(awaitIgnoringInterrupts(nested.callAsync(HOLD, "c"), WAIT.multipliedBy(2)));
      return "b";
    };
    CompletableFuture<String> a = client.callAsync(OUTER, "go");
    Waits.until("C (HOLD) reached its handler", () -> holds.size() == 1, WAIT);
    a.cancel(true);
    Waits.until("C's server call is cancelled", () -> holds.peek().isCancelled(), WAIT);
    Status b = bSaw.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(Status.Code.CANCELLED, b.code(), "B's call to C: " + b);
    Status aa = aSaw.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(Status.Code.CANCELLED, aa.code(), "A's call to B: " + aa);
  }

  // ---- 6. shutdownNow while nested calls run ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void shutdownNowCancelsNestedCallsToAnotherServer(String transport) throws Exception {
    Server front = startServer(transport, null);
    Server back = startServer(transport, null);
    nested = channel(back, b -> b);
    Channel client = channel(front, b -> b);
    CompletableFuture<CompletableFuture<String>> asyncNested = new CompletableFuture<>();
    CompletableFuture<Status> blockingNested = new CompletableFuture<>();
    outer = (r, c) -> {
      if (r.equals("async")) {
        CompletableFuture<String> f = nested.callAsync(HOLD, "async");
        asyncNested.complete(f);
        awaitIgnoringInterrupts(f, WAIT.multipliedBy(2));
      } else {
        try {
          nested.call(HOLD, "blocking");
          blockingNested.complete(Status.OK);
        } catch (StatusException e) {
          blockingNested.complete(e.status());
        }
      }
      return "done";
    };
    CompletableFuture<String> a = client.callAsync(OUTER, "async");
    CompletableFuture<String> b = client.callAsync(OUTER, "blocking");
    Waits.until("both nested HOLD calls reached the back server", () -> holds.size() == 2, WAIT);
    front.shutdownNow();
    CompletableFuture<String> f = asyncNested.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    Status sa = awaitIgnoringInterrupts(f, WAIT);
    assertNotNull(sa, "the async nested call outlived the front server's shutdownNow");
    assertEquals(Status.Code.CANCELLED, sa.code(), "async nested: " + sa);
    assertTrue(String.valueOf(sa.description()).contains("UNAVAILABLE"), "async nested description: " + sa);
    Status sb = blockingNested.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(Status.Code.CANCELLED, sb.code(), "blocking nested: " + sb);
    Waits.until("the back server saw both nested calls cancelled",
        () -> holds.stream().allMatch(ServerContext::isCancelled), WAIT);
    assertTrue(front.awaitTermination(WAIT), "front server did not terminate");
    for (CompletableFuture<String> x : List.of(a, b)) {
      try {
        x.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        fail("outer call succeeded after shutdownNow");
      } catch (ExecutionException e) {
        assertEquals(Status.Code.UNAVAILABLE, statusOf(e).code(), "outer: " + statusOf(e));
      }
    }
  }

  // ---- 7. pooled handler threads: no stale handler call ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void aPooledThreadDoesNotKeepTheLastHandlersCall(String transport) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    open.add(pool::shutdownNow);
    Server server = startServer(transport, pool);
    nested = channel(server, b -> b);
    Channel client = channel(server, b -> b);
    CompletableFuture<Thread> handlerThread = new CompletableFuture<>();
    CompletableFuture<String> inHandler = new CompletableFuture<>();
    outer = (r, c) -> {
      handlerThread.complete(Thread.currentThread());
      if (r.equals("nested")) {
        inHandler.complete(nested.call(DEADLINE, "?"));
        return "ok";
      }
      Thread.sleep(WAIT.multipliedBy(3)); // until cancelled
      return "not cancelled";
    };
    // the nested DEADLINE goes to a second server, so the one pooled thread is not needed twice at once
    Server other = startServer(transport, null);
    Channel toOther = channel(other, b -> b);
    nested = toOther;
    assertEquals("ok", client.call(OUTER, "nested", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5))));
    assertTrue(!"none".equals(inHandler.get()), "the handler's own nested call did not inherit: " + inHandler.get());
    Thread pooled = handlerThread.get();
    // a second outer call cancelled mid-handler on the same pooled thread
    CompletableFuture<String> cancelled = client.callAsync(OUTER, "sleep", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)));
    Waits.until("second handler blocked on the pooled thread", () -> pooled.getState() == Thread.State.TIMED_WAITING, WAIT);
    cancelled.cancel(true);
    // now a plain task on the same pool thread
    CompletableFuture<String> later = CompletableFuture.supplyAsync(() -> {
      if (Thread.currentThread() != pooled) {
        return "ran on another thread";
      }
      if (Thread.currentThread().isInterrupted()) {
        return "interrupt leaked";
      }
      Object hc = handlerCallOnThisThread();
      if (hc != null) {
        return "stale HandlerCall " + hc;
      }
      String d = toOther.call(DEADLINE, "?");
      CompletableFuture<String> h = toOther.callAsync(HOLD, "pooled");
      return d + "|" + h.join();
    }, pool);
    Waits.until("the pooled task's HOLD reached its handler", () -> holds.size() == 1, WAIT);
    assertNull(holds.peek().deadline(), "the pooled task's call inherited a deadline");
    Waits.holds("the pooled task's call is not cancelled", () -> !holds.peek().isCancelled(), Duration.ofMillis(500));
    release.countDown();
    assertEquals("none|released", later.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  // ---- 8. thousands of nested calls from one handler ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void fiveThousandNestedCallsKeepNothingAndCancellationStillWorks(String transport) throws Exception {
    Server server = startServer(transport, null);
    ConcurrentLinkedQueue<WeakReference<Object>> calls = new ConcurrentLinkedQueue<>();
    ClientInterceptor spy = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        calls.add(new WeakReference<>(call));
        return null;
      }
    };
    nested = channel(server, b -> b.intercept(spy));
    Channel client = channel(server, b -> b);
    int n = 5000;
    CompletableFuture<String> report = new CompletableFuture<>();
    CompletableFuture<CompletableFuture<String>> last = new CompletableFuture<>();
    outer = (r, c) -> {
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long heapAt500 = 0;
      int maxActions = 0;
      int i = 0;
      for (; i < n && System.nanoTime() - end < 0; i++) {
        String v = nested.call(ECHO, "m" + i);
        if (!v.equals("m" + i)) {
          report.complete("echo " + i + " returned " + v);
          return "bad";
        }
        maxActions = Math.max(maxActions, registeredActions(c));
        if (i == 499) {
          heapAt500 = heapAfterGc();
        }
      }
      long heapAtEnd = heapAfterGc();
      long live = calls.stream().filter(w -> w.get() != null).count();
      report.complete(i + " calls; maxActions=" + maxActions + "; actionsNow=" + registeredActions(c)
          + "; heapGrowthKiB=" + (heapAtEnd - heapAt500) / 1024 + "; liveCallObjects=" + live);
      CompletableFuture<String> f = nested.callAsync(HOLD, "last");
      last.complete(f);
      awaitIgnoringInterrupts(f, WAIT.multipliedBy(2));
      return "done";
    };
    CompletableFuture<String> call = client.callAsync(OUTER, "go", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(90)));
    String r = report.get(90, TimeUnit.SECONDS);
    String[] parts = r.split("; ");
    assertEquals(n + " calls", parts[0], r);
    assertTrue(Integer.parseInt(parts[1].split("=")[1]) <= 1, "actions piled up: " + r);
    assertEquals(0, Integer.parseInt(parts[2].split("=")[1]), "actions left registered: " + r);
    assertTrue(Long.parseLong(parts[3].split("=")[1]) < 16 * 1024, "heap grew: " + r);
    assertTrue(Long.parseLong(parts[4].split("=")[1]) < 50, "nested call objects still reachable: " + r);
    CompletableFuture<String> f = last.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    Waits.until("the last HOLD reached its handler", () -> holds.size() == 1, WAIT);
    call.cancel(true);
    Status s = awaitIgnoringInterrupts(f, WAIT);
    assertNotNull(s, "the nested call after 5000 calls was not cancelled");
    assertEquals(Status.Code.CANCELLED, s.code(), "last nested: " + s);
    Waits.until("the last HOLD's server saw the cancellation", () -> holds.peek().isCancelled(), WAIT);
  }

  // ---- 9. opt-out ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void aNonInheritingChannelsCallOutlivesTheCancelledOuterCall(String transport) throws Exception {
    Server server = startServer(transport, null);
    nested = channel(server, b -> b.inheritHandlerContext(false));
    Channel client = channel(server, b -> b);
    CompletableFuture<CompletableFuture<String>> started = new CompletableFuture<>();
    AtomicReference<ServerContext> outerContext = new AtomicReference<>();
    outer = (r, c) -> {
      outerContext.set(c);
      started.complete(nested.callAsync(HOLD, "independent"));
      awaitIgnoringInterrupts(new CompletableFuture<>(), WAIT.multipliedBy(2)); // hang until bounded
      return "done";
    };
    CompletableFuture<String> call = client.callAsync(OUTER, "go", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(400)));
    CompletableFuture<String> held = started.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    Waits.until("HOLD reached its handler", () -> holds.size() == 1, WAIT);
    assertNull(holds.peek().deadline(), "the independent call inherited a deadline");
    call.cancel(true);
    Waits.until("the outer call is cancelled on the server", () -> outerContext.get().isCancelled(), WAIT);
    Waits.holds("the independent call outlives the outer one (and its 400 ms deadline)",
        () -> !held.isDone() && !holds.peek().isCancelled(), Duration.ofSeconds(1));
    release.countDown();
    assertEquals("released", held.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  // ---- 10. a nested call started after the outer call was already cancelled ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void aNestedCallStartedAfterTheOuterWasCancelledFailsAtOnce(String transport) throws Exception {
    Channel client = start(transport);
    CompletableFuture<Status> result = new CompletableFuture<>();
    CountDownLatch running = new CountDownLatch(1);
    outer = (r, c) -> {
      running.countDown();
      long end = System.nanoTime() + WAIT.toNanos();
      while (!c.isCancelled() && System.nanoTime() - end < 0) {
        Thread.onSpinWait();
      }
      Thread.interrupted(); // clear it: only inheritance should fail the nested call
      Status s = awaitIgnoringInterrupts(nested.callAsync(HOLD, "late"), Duration.ofSeconds(2));
      result.complete(s);
      return "x";
    };
    CompletableFuture<String> call = client.callAsync(OUTER, "go");
    assertTrue(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "outer handler never ran");
    call.cancel(true);
    Status s = result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(s, "the nested call started after cancellation kept running");
    assertEquals(Status.Code.CANCELLED, s.code(), "late nested: " + s);
    Waits.holds("no HOLD handler ran for it", holds::isEmpty, Duration.ofMillis(300));
  }
}
