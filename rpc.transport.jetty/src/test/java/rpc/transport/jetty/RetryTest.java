package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * The service config's retry and hedging policies against real servers: a server killed under
 * load loses no call, a slow server does not hold calls past the hedging delay, throttling stops a
 * retry storm, and the per-method timeout and attempt header reach the server.
 */
@Timeout(120)
class RetryTest {
  private static final MethodDescriptor<String, String> CALL =
      MethodDescriptor.of("test.Retry/Call", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);
  private final List<Server> servers = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final Map<Integer, AtomicInteger> attemptsByServer = new ConcurrentHashMap<>();
  private final List<String> attemptHeaders = Collections.synchronizedList(new ArrayList<>());
  /** "server:request" for every request a handler answered. */
  private final java.util.Set<String> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @AfterEach
  void close() throws InterruptedException {
    channels.forEach(Channel::shutdownNow);
    for (Server s : servers) {
      s.shutdownNow();
      s.awaitTermination(Duration.ofSeconds(10));
    }
  }

  /** A server whose handler does {@code behaviour} and answers with its index. */
  private Server server(int index, Handler behaviour) throws Exception {
    Server s = Server.newBuilder().listen("127.0.0.1", 0)
        .addService(ServiceDefinition.newBuilder("test.Retry").unary(CALL, (req, ctx) -> {
          attemptsByServer.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
          String previous = ctx.requestHeaders().get("grpc-previous-rpc-attempts");
          if (previous != null) {
            attemptHeaders.add(previous);
          }
          behaviour.run();
          answered.add(index + ":" + req);
          return "server " + index;
        }).build())
        .build().start();
    servers.add(s);
    return s;
  }

  interface Handler {
    void run() throws Exception;
  }

  private Channel channel(String target, Map<String, ?> serviceConfig) {
    Channel c = Channel.newBuilder(target).defaultServiceConfig(serviceConfig)
        .option(JettyTransportOptions.INITIAL_BACKOFF, "50").option(JettyTransportOptions.MAX_BACKOFF, "200").build();
    channels.add(c);
    return c;
  }

  private static String addresses(Server... servers) {
    StringBuilder sb = new StringBuilder("ipv4:");
    for (Server s : servers) {
      sb.append(sb.length() > 5 ? "," : "").append("127.0.0.1:").append(s.port());
    }
    return sb.toString();
  }

  private static Map<String, Object> methodConfig(Map<String, Object> settings) {
    Map<String, Object> mc = new java.util.HashMap<>(settings);
    mc.put("name", List.of(Map.of("service", "test.Retry")));
    return mc;
  }

  @Test
  void killingOneOfThreeServersUnderLoadLosesNoCallWithARetryPolicy() throws Exception {
    Server a = server(1, () -> { });
    Server b = server(2, () -> { });
    Server c = server(3, () -> { });
    Channel channel = channel(addresses(a, b, c), Map.of(
        "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
        "methodConfig", List.of(methodConfig(Map.of("retryPolicy", Map.of("maxAttempts", 5, "initialBackoff", "0.02s",
            "maxBackoff", "0.2s", "backoffMultiplier", 2, "retryableStatusCodes", List.of("UNAVAILABLE")))))));
    int threads = 6;
    int perThread = 400;
    AtomicInteger done = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch halfway = new CountDownLatch(threads * perThread / 3);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            String request = thread + "-" + i;
            try {
              channel.call(CALL, request, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20)));
            } catch (StatusException e) {
              failures.add(request + " " + e);
            }
            done.incrementAndGet();
            halfway.countDown();
          }
          return null;
        }));
      }
      assertTrue(halfway.await(60, TimeUnit.SECONDS), "a third of the calls were made");
      c.shutdownNow(); // killed: its calls in flight fail, its connection goes away
      for (Future<?> w : workers) {
        w.get(90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * perThread, done.get());
    // gRFC A6 retries only until the response starts. A call the killed server had already answered,
    // whose response was cut off after its headers, is not retried: that is the only loss allowed
    // (seen once in a run with two busy-looping processes beside it). Every other call must succeed.
    List<String> lost = failures.stream().filter(f -> !answered.contains("3:" + f.substring(0, f.indexOf(' '))))
        .toList();
    assertEquals(List.of(), lost, failures.size() + " calls failed; these had not been answered by the killed server");
    assertTrue(failures.size() <= 3, "calls cut off mid-response: " + failures);
    assertTrue(attemptsByServer.get(1).get() > 0 && attemptsByServer.get(2).get() > 0);
  }

  @Test
  void hedgingKeepsASlowServerFromHoldingCallsPastTheHedgingDelay() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Server slow = server(1, () -> never.await(20, TimeUnit.SECONDS)); // returns when cancelled (interrupted)
    Server fast = server(2, () -> { });
    Channel channel = channel(addresses(slow, fast), Map.of(
        "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
        "methodConfig", List.of(methodConfig(Map.of("hedgingPolicy", Map.of("maxAttempts", 3,
            "hedgingDelay", "0.1s", "nonFatalStatusCodes", List.of("UNAVAILABLE")))))));
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      long start = System.nanoTime();
      assertEquals("server 2", channel.call(CALL, "x", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20))));
      millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
    Collections.sort(millis);
    long p99 = millis.get((int) Math.ceil(millis.size() * 0.99) - 1);
    // The slow server never answers: without hedging half the calls would take 20 s.
    assertTrue(p99 < 5_000, "p99 " + p99 + " ms; all: " + millis);
    assertTrue(attemptsByServer.get(1).get() > 0, "the slow server was tried");
    assertTrue(attemptHeaders.contains("1"), "hedged attempts say they are the second: " + attemptHeaders);
  }

  @Test
  void throttlingStopsARetryStormWhenEveryServerFails() throws Exception {
    Handler unavailable = () -> {
      throw Status.UNAVAILABLE.withDescription("overloaded").asException();
    };
    Server a = server(1, unavailable);
    Server b = server(2, unavailable);
    Channel channel = channel(addresses(a, b), Map.of(
        "retryThrottling", Map.of("maxTokens", 10, "tokenRatio", 0.1),
        "methodConfig", List.of(methodConfig(Map.of("retryPolicy", Map.of("maxAttempts", 5, "initialBackoff", "0.001s",
            "maxBackoff", "0.005s", "backoffMultiplier", 2, "retryableStatusCodes", List.of("UNAVAILABLE")))))));
    int calls = 50;
    for (int i = 0; i < calls; i++) {
      StatusException e = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
          () -> channel.call(CALL, "x", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20))));
      assertEquals(Status.Code.UNAVAILABLE, e.status().code());
    }
    int attempts = attemptsByServer.values().stream().mapToInt(AtomicInteger::get).sum();
    // 5 attempts a call would be 250; the bucket of 10 allows retries only while above 5 tokens.
    assertTrue(attempts <= calls + 6, attempts + " attempts for " + calls + " calls");
  }

  @Test
  void aServerPushbackTrailerStopsOrDelaysRetries() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Server s = server(1, () -> {
      String pushback = calls.incrementAndGet() == 1 ? "300" : "-1";
      throw new StatusException(Status.UNAVAILABLE.withDescription("busy " + calls.get()),
          new rpc.api.Metadata().put("grpc-retry-pushback-ms", pushback));
    });
    Channel channel = channel("127.0.0.1:" + s.port(), Map.of(
        "methodConfig", List.of(methodConfig(Map.of("retryPolicy", Map.of("maxAttempts", 5, "initialBackoff", "0.001s",
            "maxBackoff", "0.001s", "backoffMultiplier", 1, "retryableStatusCodes", List.of("UNAVAILABLE")))))));
    long start = System.nanoTime();
    StatusException e = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> channel.call(CALL, "x", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20))));
    assertEquals("busy 2", e.status().description(), "the second attempt's -1 stopped the retries");
    assertEquals(2, calls.get());
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "the first pushback delayed the retry");
  }

  @Test
  void shutdownNowEndsACallWaitingBetweenAttemptsAndAwaitTerminationWaitsForIt() throws Exception {
    CountDownLatch failedOnce = new CountDownLatch(1);
    Server s = server(1, () -> {
      failedOnce.countDown();
      throw new StatusException(Status.UNAVAILABLE.withDescription("come back later"),
          new rpc.api.Metadata().put("grpc-retry-pushback-ms", "60000"));
    });
    Channel channel = channel("127.0.0.1:" + s.port(), Map.of(
        "methodConfig", List.of(methodConfig(Map.of("retryPolicy", Map.of("maxAttempts", 3, "initialBackoff", "0.01s",
            "maxBackoff", "0.01s", "backoffMultiplier", 1, "retryableStatusCodes", List.of("UNAVAILABLE")))))));
    var call = channel.callAsync(CALL, "x");
    assertTrue(failedOnce.await(20, TimeUnit.SECONDS));
    // The first attempt failed; the next one is a minute away. Nothing is in flight on the wire.
    channel.shutdownNow();
    java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        java.util.concurrent.ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
    assertEquals(Status.Code.UNAVAILABLE, ((StatusException) e.getCause()).status().code());
    assertTrue(((StatusException) e.getCause()).status().description().contains("shut down"), e.toString());
    assertTrue(channel.awaitTermination(Duration.ofSeconds(10)));
  }

  @Test
  void theServiceConfigTimeoutAndWaitForReadyApplyToCallsThatSetNone() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Server s = server(1, () -> never.await(20, TimeUnit.SECONDS));
    Channel channel = channel("127.0.0.1:" + s.port(), Map.of(
        "methodConfig", List.of(methodConfig(Map.of("timeout", "0.2s")))));
    long start = System.nanoTime();
    StatusException e = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> channel.call(CALL, "x"));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.status().code());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "ended by the config's timeout");

    int port = freePort();
    Channel waiting = channel("127.0.0.1:" + port, Map.of(
        "methodConfig", List.of(methodConfig(Map.of("waitForReady", true, "timeout", "30s")))));
    var call = waiting.callAsync(CALL, "x");
    Server later = Server.newBuilder().listen("127.0.0.1", port)
        .addService(ServiceDefinition.newBuilder("test.Retry").unary(CALL, (req, ctx) -> "later").build()).build().start();
    servers.add(later);
    assertEquals("later", call.get(30, TimeUnit.SECONDS), "the call waited for the server instead of failing fast");
  }

  @Test
  void theServiceConfigMessageLimitsFailCallsResourceExhaustedNamingTheSetting() throws Exception {
    Server s = server(1, () -> { });
    Channel channel = channel("127.0.0.1:" + s.port(), Map.of("methodConfig", List.of(methodConfig(Map.of(
        "maxRequestMessageBytes", 10, "maxResponseMessageBytes", 3)))));
    StatusException request = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> channel.call(CALL, "x".repeat(100), CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20))));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, request.status().code());
    assertTrue(request.status().description().contains("maxRequestMessageBytes 10"), request.toString());
    assertEquals(null, attemptsByServer.get(1), "the server never saw the request that was too large");
    StatusException response = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> channel.call(CALL, "x", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20))));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, response.status().code());
    assertTrue(response.status().description().contains("maxResponseMessageBytes"), response.toString());
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
