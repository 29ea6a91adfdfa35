package rpc.api.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Codec;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.internal.config.ServiceConfig;
import rpc.api.spi.ClientCall;
import rpc.api.spi.Unprocessed;

/**
 * gRFC A6 as {@link RetriableCall} implements it, over scripted attempts: what retries, what does
 * not, the replay, the headers, pushback, throttling, hedging and the buffer limit.
 */
@Timeout(30)
class RetriableCallTest {
  private static final Codec<String> STRINGS = rpc.api.internal.Utf8Codec.INSTANCE;

  private static final MethodDescriptor<String, String> METHOD =
      MethodDescriptor.of("test.S/M", MethodDescriptor.Kind.UNARY, STRINGS, STRINGS);

  /** One attempt: records what it was sent; the script answers it when it is half-closed. */
  static final class Attempt implements ClientCall<String, String> {
    final int index;
    final BiConsumer<Integer, Attempt> script;
    volatile Listener<String> listener;
    volatile Metadata headers;
    final List<String> sent = new CopyOnWriteArrayList<>();
    volatile Status cancelled;

    Attempt(int index, BiConsumer<Integer, Attempt> script) {
      this.index = index;
      this.script = script;
    }

    void ok(String response) {
      listener.onHeaders(new Metadata());
      listener.onMessage(response);
      listener.onClose(Status.OK, new Metadata());
    }

    void fail(Status status, Metadata trailers) {
      listener.onClose(status, trailers);
    }

    @Override
    public void start(Listener<String> listener, Metadata headers) {
      this.listener = listener;
      this.headers = headers;
    }

    @Override
    public void request(int n) {}

    @Override
    public void send(String message) {
      sent.add(message);
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void halfClose() {
      script.accept(index, this);
    }

    @Override
    public void cancel(Status status) {
      cancelled = status;
      listener.onClose(status, new Metadata());
    }

    @Override
    public MethodDescriptor<String, String> method() {
      return METHOD;
    }
  }

  /** The application's side of one call. */
  static final class Result implements ClientCall.Listener<String> {
    final CountDownLatch done = new CountDownLatch(1);
    final List<String> messages = new CopyOnWriteArrayList<>();
    final AtomicInteger closes = new AtomicInteger();
    volatile Status status;

    @Override
    public void onMessage(String message) {
      messages.add(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      this.status = status;
      closes.incrementAndGet();
      done.countDown();
    }

    Status await() throws InterruptedException {
      assertTrue(done.await(20, TimeUnit.SECONDS), "the call never ended");
      return status;
    }
  }

  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

  private RetriableCall<String, String> call(ServiceConfig.MethodConfig config, RetriableCall.Throttle throttle,
      BiConsumer<Integer, Attempt> script) {
    return new RetriableCall<>(METHOD, CallOptions.DEFAULT, config, throttle, new RetriableCall.Budget(), (m, o) -> {
      Attempt a = new Attempt(attempts.size() + 1, script);
      attempts.add(a);
      return a;
    });
  }

  private static ServiceConfig.MethodConfig retry(int maxAttempts, Status.Code... codes) {
    return new ServiceConfig.MethodConfig(null, null, null, null, new ServiceConfig.RetryPolicy(maxAttempts,
        Duration.ofMillis(5), Duration.ofMillis(20), 2, java.util.Set.of(codes)), null);
  }

  private static Result run(RetriableCall<String, String> call, String... requests) {
    Result r = new Result();
    call.start(r, new Metadata());
    call.request(2);
    for (String q : requests) {
      call.send(q);
    }
    call.halfClose();
    return r;
  }

  @Test
  void retryableFailuresAreRetriedWithTheSameRequestsAndTheAttemptCountInHeaders() throws Exception {
    Result r = run(call(retry(4, Status.Code.UNAVAILABLE), null, (i, a) -> {
      if (i < 3) {
        a.fail(Status.UNAVAILABLE.withDescription("down " + i), new Metadata());
      } else {
        a.ok("hello");
      }
    }), "a", "b");
    assertEquals(Status.Code.OK, r.await().code());
    assertEquals(List.of("hello"), r.messages);
    assertEquals(3, attempts.size());
    for (Attempt a : attempts) {
      assertEquals(List.of("a", "b"), a.sent, "attempt " + a.index + " replays every request");
    }
    assertNull(attempts.get(0).headers.get("grpc-previous-rpc-attempts"));
    assertEquals("1", attempts.get(1).headers.get("grpc-previous-rpc-attempts"));
    assertEquals("2", attempts.get(2).headers.get("grpc-previous-rpc-attempts"));
    assertEquals(1, r.closes.get());
  }

  @Test
  void codesNotListedAttemptsUsedUpAndResponsesAlreadyStartedAreNotRetried() throws Exception {
    Result other = run(call(retry(4, Status.Code.UNAVAILABLE), null,
        (i, a) -> a.fail(Status.INVALID_ARGUMENT.withDescription("bad"), new Metadata())), "x");
    assertEquals(Status.Code.INVALID_ARGUMENT, other.await().code());
    assertEquals(1, attempts.size());

    attempts.clear();
    Result usedUp = run(call(retry(3, Status.Code.UNAVAILABLE), null,
        (i, a) -> a.fail(Status.UNAVAILABLE.withDescription("down " + i), new Metadata())), "x");
    assertEquals("down 3", usedUp.await().description());
    assertEquals(3, attempts.size());

    attempts.clear();
    Result started = run(call(retry(4, Status.Code.UNAVAILABLE), null, (i, a) -> {
      a.listener.onHeaders(new Metadata());
      a.fail(Status.UNAVAILABLE.withDescription("after headers"), new Metadata());
    }), "x");
    assertEquals("after headers", started.await().description());
    assertEquals(1, attempts.size(), "headers commit the attempt");
  }

  @Test
  void serverPushbackSetsTheDelayOrStopsRetrying() throws Exception {
    Metadata stop = new Metadata().put("grpc-retry-pushback-ms", "-1");
    Result stopped = run(call(retry(4, Status.Code.UNAVAILABLE), null,
        (i, a) -> a.fail(Status.UNAVAILABLE.withDescription("busy"), stop)), "x");
    assertEquals(Status.Code.UNAVAILABLE, stopped.await().code());
    assertEquals(1, attempts.size());

    attempts.clear();
    Metadata later = new Metadata().put("grpc-retry-pushback-ms", "150");
    long start = System.nanoTime();
    Result waited = run(call(retry(2, Status.Code.UNAVAILABLE), null, (i, a) -> {
      if (i == 1) {
        a.fail(Status.UNAVAILABLE, later);
      } else {
        a.ok("later");
      }
    }), "x");
    assertEquals(Status.Code.OK, waited.await().code());
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150), "the pushback delay was kept");
  }

  @Test
  void throttlingStopsARetryStormWhenEveryAttemptFails() throws Exception {
    RetriableCall.Throttle throttle = new RetriableCall.Throttle(new ServiceConfig.Throttling(10, 0.1));
    for (int c = 0; c < 20; c++) {
      Result r = run(call(retry(5, Status.Code.UNAVAILABLE), throttle,
          (i, a) -> a.fail(Status.UNAVAILABLE, new Metadata())), "x");
      assertEquals(Status.Code.UNAVAILABLE, r.await().code());
    }
    // Without throttling: 20 calls x 5 attempts. With 10 tokens, retries stop once 5 are spent.
    assertTrue(attempts.size() <= 20 + 5, attempts.size() + " attempts");
  }

  @Test
  void transparentRetrySendsAnUnprocessedAttemptAgainWhateverThePolicySays() throws Exception {
    Result r = run(call(retry(2, Status.Code.RESOURCE_EXHAUSTED), null, (i, a) -> {
      if (i == 1) {
        a.fail(Status.UNAVAILABLE.withCause(new Unprocessed("refused by GOAWAY")), new Metadata());
      } else {
        a.ok("second");
      }
    }), "x");
    assertEquals(Status.Code.OK, r.await().code());
    assertEquals(2, attempts.size());
  }

  @Test
  void hedgingSendsAnotherAttemptAfterTheDelayAndCancelsTheSlowOne() throws Exception {
    ServiceConfig.MethodConfig hedge = new ServiceConfig.MethodConfig(null, null, null, null, null,
        new ServiceConfig.HedgingPolicy(3, Duration.ofMillis(50), java.util.Set.of(Status.Code.UNAVAILABLE)));
    Result r = run(call(hedge, null, (i, a) -> {
      if (i == 2) {
        a.ok("fast");
      } // attempt 1 never answers
    }), "x");
    assertEquals(Status.Code.OK, r.await().code());
    assertEquals(List.of("fast"), r.messages);
    assertEquals(2, attempts.size());
    assertEquals(Status.Code.CANCELLED, attempts.get(0).cancelled.code(), "the slow attempt is cancelled");
    assertEquals(1, r.closes.get());

    attempts.clear();
    Result fatal = run(call(hedge, null,
        (i, a) -> a.fail(Status.PERMISSION_DENIED.withDescription("no"), new Metadata())), "x");
    assertEquals(Status.Code.PERMISSION_DENIED, fatal.await().code());
    assertEquals(1, attempts.size(), "a fatal status ends the call");
  }

  @Test
  void requestsBeyondTheBufferLimitCommitTheCall() throws Exception {
    String big = "x".repeat((int) RetriableCall.PER_CALL_BUFFER / 2 + 1);
    Result r = run(call(retry(4, Status.Code.UNAVAILABLE), null,
        (i, a) -> a.fail(Status.UNAVAILABLE.withDescription("down"), new Metadata())), big, big, big);
    assertEquals(Status.Code.UNAVAILABLE, r.await().code());
    assertEquals(1, attempts.size(), "nothing to replay from: no retry");
    assertEquals(3, attempts.get(0).sent.size());
  }

  @Test
  void cancellingDuringBackoffEndsTheCallOnceAndStartsNoAttempt() throws Exception {
    ServiceConfig.MethodConfig slowRetry = new ServiceConfig.MethodConfig(null, null, null, null,
        new ServiceConfig.RetryPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(5), 1,
            java.util.Set.of(Status.Code.UNAVAILABLE)), null);
    RetriableCall<String, String> call = call(slowRetry, null, (i, a) -> a.fail(Status.UNAVAILABLE, new Metadata()));
    Result r = run(call, "x");
    call.cancel(Status.CANCELLED.withDescription("user"));
    assertEquals("user", r.await().description());
    assertEquals(1, r.closes.get());
    assertEquals(1, attempts.size());
  }

  @Test
  void serviceConfigIsCheckedFieldByField() {
    var known = java.util.Set.of("pick_first", "round_robin");
    ServiceConfig sc = ServiceConfig.parse(Map.of(
        "methodConfig", List.of(Map.of("name", List.of(Map.of("service", "test.S")), "timeout", "1.5s",
            "retryPolicy", Map.of("maxAttempts", 9.0, "initialBackoff", "0.1s", "maxBackoff", "1s",
                "backoffMultiplier", 2, "retryableStatusCodes", List.of("UNAVAILABLE", 4.0)))),
        "retryThrottling", Map.of("maxTokens", 10, "tokenRatio", 0.1),
        "loadBalancingConfig", List.of(Map.of("weighted_target", Map.of()), Map.of("round_robin", Map.of()))), known);
    ServiceConfig.MethodConfig mc = sc.forMethod("test.S/Any");
    assertEquals(Duration.ofMillis(1500), mc.timeout());
    assertEquals(5, mc.retry().maxAttempts(), "capped at 5");
    assertEquals(java.util.Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED), mc.retry().retryableCodes());
    assertEquals("round_robin", sc.loadBalancingPolicy());
    assertNull(sc.forMethod("other.S/M"));

    for (var bad : List.of(
        Map.of("methodConfig", List.of(Map.of("timeout", "1s"))),
        Map.of("methodConfig", List.of(Map.of("name", List.of(Map.of()), "timeout", "soon"))),
        Map.of("methodConfig", List.of(Map.of("name", List.of(Map.of()), "retryPolicy", Map.of("maxAttempts", 1)))),
        Map.of("methodConfig", List.of(Map.of("name", List.of(Map.of()), "retryPolicy", Map.of("maxAttempts", 3,
            "initialBackoff", "1s", "maxBackoff", "1s", "backoffMultiplier", 2, "retryableStatusCodes",
            List.of("NOT_A_CODE"))))),
        Map.of("loadBalancingConfig", List.of(Map.of("grpclb", Map.of()))),
        Map.of("retryThrottling", Map.of("maxTokens", 0, "tokenRatio", 1)))) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> ServiceConfig.parse(bad, known), bad.toString());
      assertTrue(e.getMessage().startsWith("service config: "), e.getMessage());
    }
  }
}
