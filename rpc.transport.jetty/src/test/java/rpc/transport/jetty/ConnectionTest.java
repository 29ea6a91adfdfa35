package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
import rpc.testkit.Waits;

/**
 * Connection management: graceful shutdown, reconnects, wait-for-ready, stream limits, bursts of
 * cancellations. (Idleness and keepalive PINGs are in the HTTP/2 wire suite, whose scripted server
 * sees connections and PINGs.)
 */
@Timeout(60)
class ConnectionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final MethodDescriptor<String, String> HOLD = MethodDescriptor.of(
      "test.Conn/Hold", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);
  private static final MethodDescriptor<String, String> COUNT = MethodDescriptor.of(
      "test.Conn/Count", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private final List<Server> servers = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    channels.forEach(Channel::shutdownNow);
    for (Server s : servers) {
      s.shutdownNow();
      assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
    }
  }

  private ServiceDefinition holdService() {
    return ServiceDefinition.newBuilder("test.Conn")
        .unary(HOLD, (req, ctx) -> {
          int now = running.incrementAndGet();
          maxRunning.accumulateAndGet(now, Math::max);
          try {
            release.await();
          } finally {
            running.decrementAndGet();
          }
          return "held:" + req;
        })
        .unary(COUNT, (req, ctx) -> {
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          running.decrementAndGet();
          return "counted:" + req;
        })
        .build();
  }

  private Server server(String address, Server.Builder b) throws Exception {
    Server s = b.listen(address).addService(holdService()).addService(Fixtures.echoService()).build().start();
    servers.add(s);
    return s;
  }

  private Channel channel(Channel.Builder b) {
    Channel c = b.build();
    channels.add(c);
    return c;
  }

  private static void awaitRunning(AtomicInteger running, int value) throws InterruptedException {
    Waits.until(value + " handlers running", running::get, n -> n == value, WAIT);
  }

  @Test
  void gracefulShutdownFinishesCallsInFlightAndRefusesNewOnes() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder());
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()));
    List<CompletableFuture<String>> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(channel.callAsync(HOLD, "c" + i));
    }
    awaitRunning(running, 3);
    server.shutdown();
    StatusException refused = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "late"));
    assertEquals(Status.Code.UNAVAILABLE, refused.status().code(), refused.toString());
    release.countDown();
    for (int i = 0; i < 3; i++) {
      assertEquals("held:c" + i, inFlight.get(i).get(10, TimeUnit.SECONDS));
    }
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)), "server did not terminate after draining");
    assertTrue(server.port() > 0 && server.address().endsWith(":" + server.port()),
        () -> "a terminated server forgot its port: " + server.port() + ", " + server.address());
  }

  @Test
  void reconnectsAfterTheServerRestartsOnTheSamePort() throws Exception {
    Server first = server("127.0.0.1:0", Server.newBuilder());
    int port = first.port();
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + port));
    assertEquals("echo:one", channel.call(Fixtures.UNARY, "one"));
    first.shutdownNow();
    assertTrue(first.awaitTermination(Duration.ofSeconds(10)));
    StatusException down = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "down"));
    assertEquals(Status.Code.UNAVAILABLE, down.status().code());

    server("127.0.0.1:" + port, Server.newBuilder());
    AtomicInteger attempts = new AtomicInteger();
    String answer = Waits.until("a call through the reconnected channel", () -> {
      attempts.incrementAndGet();
      try {
        return channel.call(Fixtures.UNARY, "two");
      } catch (StatusException e) {
        assertEquals(Status.Code.UNAVAILABLE, e.status().code(), "fails fast while reconnecting: " + e);
        return "failed " + attempts + " attempts, the last with " + e.status();
      }
    }, "echo:two"::equals, Duration.ofSeconds(20));
    assertEquals("echo:two", answer);
  }

  @Test
  void waitForReadyWaitsForTheServerAndFailFastDoesNot() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + port)
        .option(JettyTransportOptions.INITIAL_BACKOFF, "100").option(JettyTransportOptions.MAX_BACKOFF, "200"));
    StatusException fast = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "x"));
    assertEquals(Status.Code.UNAVAILABLE, fast.status().code());
    StatusException waited = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "x",
        CallOptions.DEFAULT.withWaitForReady(true).withTimeout(Duration.ofMillis(500))));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, waited.status().code(), waited.toString());
    assertTrue(waited.status().description().contains("Connection refused"),
        () -> "the deadline hides why no connection came: " + waited.status());

    CompletableFuture<String> patient = channel.callAsync(Fixtures.UNARY, "patient",
        CallOptions.DEFAULT.withWaitForReady(true).withTimeout(Duration.ofSeconds(20)));
    // The promise is that the call keeps waiting through failed connection attempts, so one must
    // fail while it waits. A fail-fast call reports the channel's latest failure: a newer one than
    // the first probe saw shows that the channel has tried again since the call was queued.
    Throwable queuedDuring = failFast(channel).cause();
    Waits.until("a failed connection attempt while the wait-for-ready call waits",
        () -> failFast(channel).cause() != queuedDuring, WAIT);
    assertFalse(patient.isDone(), () -> "the wait-for-ready call gave up: " + patient);
    server("127.0.0.1:" + port, Server.newBuilder());
    assertEquals("echo:patient", patient.get(20, TimeUnit.SECONDS));
  }

  /** The status of a fail-fast call on {@code channel}, which has no server to reach. */
  private static Status failFast(Channel channel) {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "probe"));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
    return e.status();
  }

  @Test
  void callsBeyondTheServersStreamLimitWaitForASlot() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder().maxConcurrentStreams(2));
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()));
    assertEquals("echo:warm", channel.call(Fixtures.UNARY, "warm")); // SETTINGS received
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(channel.callAsync(HOLD, "c" + i));
    }
    awaitRunning(running, 2);
    // A promise that something does not happen needs a bounded real wait: a third stream, if the
    // channel opened one, would reach a handler within a round trip on loopback (well under 200 ms).
    Waits.holds("exactly the server's 2 streams run at once", () -> running.get() == 2, Duration.ofMillis(200));
    release.countDown();
    for (int i = 0; i < 6; i++) {
      assertEquals("held:c" + i, calls.get(i).get(20, TimeUnit.SECONDS));
    }
    assertEquals(2, maxRunning.get());
  }

  @Test
  void twoHundredCallsThroughTwoStreamSlotsAllComplete() throws Exception {
    // Each call that ends frees its slot and so opens the next waiting one: 198 calls wait at the
    // start, and every one of them must be woken by a slot freeing, not found by a timer.
    Server server = server("127.0.0.1:0", Server.newBuilder().maxConcurrentStreams(2));
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()));
    assertEquals("echo:warm", channel.call(Fixtures.UNARY, "warm")); // the limit is known before the burst
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(channel.callAsync(COUNT, "c" + i, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(50))));
    }
    for (int i = 0; i < 200; i++) {
      assertEquals("counted:c" + i, calls.get(i).get(50, TimeUnit.SECONDS));
    }
    assertTrue(maxRunning.get() >= 1 && maxRunning.get() <= 2, "handlers at once: " + maxRunning.get());
  }

  @Test
  void burstOfCancellationsDoesNotCostTheConnection() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder());
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()));
    try (rpc.api.ClientStream<String, String> canary = channel.newStream(Fixtures.BIDI)) {
      canary.send("before");
      assertEquals("re:before", canary.receive());
      // Far more RST_STREAMs in a second than Jetty's default rate control (128/s) tolerates.
      List<CompletableFuture<String>> doomed = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        doomed.add(channel.callAsync(HOLD, "d" + i));
      }
      for (CompletableFuture<String> f : doomed) {
        f.cancel(true);
      }
      awaitRunning(running, 0);
      canary.send("after");
      assertEquals("re:after", canary.receive(), "the connection survived the burst");
      canary.halfClose();
    }
  }

  @Test
  void serverShutdownNowTellsClientsWhy() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder());
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()));
    CompletableFuture<String> held = channel.callAsync(HOLD, "h");
    awaitRunning(running, 1);
    server.shutdownNow();
    java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> held.get(10, TimeUnit.SECONDS));
    Status s = ((StatusException) e.getCause()).status();
    assertEquals(Status.Code.UNAVAILABLE, s.code(), s.toString());
    assertTrue(s.description().contains("shutting down"), () -> "not a bare connection error: " + s);
  }

  @Test
  @Timeout(180) // 40 rounds; a round that meets a silent connection waits out the 2 s connect timeout
  void callsStartedAsTheServerShutsDownAreAnswered() throws Exception {
    // A call opened on a connection just as its GOAWAY arrives is refused by Jetty and queued again;
    // it once waited there for ever when nothing else was waiting for a new connection. And a new
    // connection can still be accepted, silently, while the server's listener closes: the client must
    // not take it as ready before the server's SETTINGS, and gives up on it after the connect timeout.
    for (int i = 0; i < 40; i++) {
      Server server = server("127.0.0.1:0", Server.newBuilder());
      Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port())
          .option(JettyTransportOptions.CONNECT_TIMEOUT, "2000"));
      assertEquals("echo:warm", channel.call(Fixtures.UNARY, "warm"));
      List<CompletableFuture<String>> racing = new ArrayList<>();
      for (int j = 0; j < 8; j++) {
        racing.add(channel.callAsync(Fixtures.UNARY, "r" + j, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60))));
      }
      server.shutdown();
      for (int j = 0; j < 8; j++) {
        racing.add(channel.callAsync(Fixtures.UNARY, "late" + j, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60))));
      }
      for (CompletableFuture<String> f : racing) {
        try {
          f.get(70, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          Status s = ((StatusException) e.getCause()).status();
          assertEquals(Status.Code.UNAVAILABLE, s.code(), () -> "iteration: a call racing the shutdown ended " + s);
        }
      }
      channel.shutdownNow();
    }
  }

  @Test
  void aRefusedConnectionNamesTheDefaultPortItTried() throws Exception {
    try (java.net.Socket probe = new java.net.Socket()) {
      probe.connect(new java.net.InetSocketAddress("127.0.0.1", 80), 2000);
      org.junit.jupiter.api.Assumptions.abort("something listens on 127.0.0.1:80 here");
    } catch (java.net.ConnectException refused) {
      // nothing on port 80: the case under test
    }
    Channel channel = channel(Channel.newBuilder("127.0.0.1"));
    StatusException e = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "x"));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code());
    assertTrue(e.status().description().contains("127.0.0.1:80") && e.status().description().contains("default port"),
        e.status().description());
  }

  @Test
  void badPortIsReportedAsAPort() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.open("localhost:abc"));
    assertTrue(e.getMessage().contains("port 'abc'"), e.getMessage());
  }

  @Test
  void aServerAddressWithoutAPortIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Server.newBuilder().listen("127.0.0.1").addService(Fixtures.echoService()).build());
    assertTrue(e.getMessage().contains("no port") && e.getMessage().contains("127.0.0.1:0"), e.getMessage());
  }

  @Test
  void optionKeysAreCheckedPerSideAndTheKnownOnesNamed() {
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> Channel.newBuilder(
        "127.0.0.1:1").option("jetty.conectTimeout", "100").build());
    assertTrue(typo.getMessage().contains("jetty.conectTimeout") && typo.getMessage().contains(
        JettyTransportOptions.CONNECT_TIMEOUT), typo.getMessage());
    IllegalArgumentException clientKeyOnServer = assertThrows(IllegalArgumentException.class, () -> Server.newBuilder()
        .listen("127.0.0.1:0").option(JettyTransportOptions.CONNECT_TIMEOUT, "100").build());
    assertTrue(clientKeyOnServer.getMessage().contains(JettyTransportOptions.RESET_RATE_LIMIT),
        clientKeyOnServer.getMessage());
    for (String key : JettyTransportOptions.CLIENT_KEYS) {
      Channel.newBuilder("127.0.0.1:1").option(key, "70000").build().close();
    }
  }

  @Test
  void secondServerOnABoundPortFailsToStart() throws Exception {
    Server first = server("127.0.0.1:0", Server.newBuilder());
    Server second = Server.newBuilder().listen("127.0.0.1:" + first.port()).addService(Fixtures.echoService()).build();
    assertThrows(java.io.IOException.class, second::start);
  }

  @Test
  void channelCloseLetsCallsFinishThenNewCallsFail() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder());
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()));
    CompletableFuture<String> held = channel.callAsync(HOLD, "h");
    awaitRunning(running, 1);
    channel.close();
    assertEquals(Status.Code.UNAVAILABLE,
        assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "x")).status().code());
    release.countDown();
    assertEquals("held:h", held.get(10, TimeUnit.SECONDS));
    assertTrue(channel.awaitTermination(Duration.ofSeconds(10)));
  }
}
