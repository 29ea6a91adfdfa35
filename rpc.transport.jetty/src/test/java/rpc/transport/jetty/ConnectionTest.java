package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Connection management: graceful shutdown, reconnects, wait-for-ready, stream limits, idleness. */
@Timeout(60)
class ConnectionTest {
  private static final MethodDescriptor<String, String> HOLD = MethodDescriptor.of(
      "test.Conn/Hold", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);

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

  private static void await(AtomicInteger counter, int value) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (counter.get() != value && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(value, counter.get());
  }

  @Test
  void gracefulShutdownFinishesCallsInFlightAndRefusesNewOnes() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder());
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()));
    List<CompletableFuture<String>> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(channel.callAsync(HOLD, "c" + i));
    }
    await(running, 3);
    server.shutdown();
    StatusException refused = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "late"));
    assertEquals(Status.Code.UNAVAILABLE, refused.status().code(), refused.toString());
    release.countDown();
    for (int i = 0; i < 3; i++) {
      assertEquals("held:c" + i, inFlight.get(i).get(10, TimeUnit.SECONDS));
    }
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)), "server did not terminate after draining");
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int attempts = 0;
    String answer = null;
    while (answer == null && System.nanoTime() < deadline) {
      attempts++;
      try {
        answer = channel.call(Fixtures.UNARY, "two");
      } catch (StatusException e) {
        assertEquals(Status.Code.UNAVAILABLE, e.status().code(), "fails fast while reconnecting: " + e);
        Thread.sleep(50);
      }
    }
    assertEquals("echo:two", answer, "no reconnect after " + attempts + " attempts");
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
    Thread.sleep(300);
    server("127.0.0.1:" + port, Server.newBuilder());
    assertEquals("echo:patient", patient.get(20, TimeUnit.SECONDS));
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
    await(running, 2);
    Thread.sleep(200);
    assertEquals(2, running.get(), "more streams than the server allows");
    release.countDown();
    for (int i = 0; i < 6; i++) {
      assertEquals("held:c" + i, calls.get(i).get(20, TimeUnit.SECONDS));
    }
    assertEquals(2, maxRunning.get());
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
      await(running, 0);
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
    await(running, 1);
    server.shutdownNow();
    java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> held.get(10, TimeUnit.SECONDS));
    Status s = ((StatusException) e.getCause()).status();
    assertEquals(Status.Code.UNAVAILABLE, s.code(), s.toString());
    assertTrue(s.description().contains("shutting down"), () -> "not a bare connection error: " + s);
  }

  @Test
  void badPortIsReportedAsAPort() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.open("localhost:abc"));
    assertTrue(e.getMessage().contains("port 'abc'"), e.getMessage());
  }

  @Test
  void secondServerOnABoundPortFailsToStart() throws Exception {
    Server first = server("127.0.0.1:0", Server.newBuilder());
    Server second = Server.newBuilder().listen("127.0.0.1:" + first.port()).addService(Fixtures.echoService()).build();
    assertThrows(java.io.IOException.class, second::start);
  }

  @Test
  void idleConnectionClosesAndTheNextCallReconnects() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder());
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()).idleTimeout(Duration.ofMillis(200)));
    assertEquals("echo:a", channel.call(Fixtures.UNARY, "a"));
    Thread.sleep(700);
    assertEquals("echo:b", channel.call(Fixtures.UNARY, "b"));
  }

  @Test
  void keepAlivePingsDoNotDisturbCalls() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder());
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()).keepAliveTime(Duration.ofMillis(50)));
    CompletableFuture<String> held = channel.callAsync(HOLD, "k");
    await(running, 1);
    Thread.sleep(400); // several pings while the call is open
    release.countDown();
    assertEquals("held:k", held.get(10, TimeUnit.SECONDS));
    assertEquals("echo:after", channel.call(Fixtures.UNARY, "after"));
  }

  @Test
  void channelCloseLetsCallsFinishThenNewCallsFail() throws Exception {
    Server server = server("127.0.0.1:0", Server.newBuilder());
    Channel channel = channel(Channel.newBuilder("127.0.0.1:" + server.port()));
    CompletableFuture<String> held = channel.callAsync(HOLD, "h");
    await(running, 1);
    channel.close();
    assertEquals(Status.Code.UNAVAILABLE,
        assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "x")).status().code());
    release.countDown();
    assertEquals("held:h", held.get(10, TimeUnit.SECONDS));
    assertTrue(channel.awaitTermination(Duration.ofSeconds(10)));
  }
}
