package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ConnectivityState;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ManualResolver;
import rpc.testkit.Waits;

/**
 * Name resolution and load balancing over real servers on loopback addresses: a name that
 * resolves (through {@link TestDns}, the JVM's resolver in these tests) to several servers, address
 * lists, a manual resolver, both policies, servers dying and moving, and the channel's
 * connectivity state on the way.
 */
@Timeout(120)
class LoadBalancingTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final Replicas replicas = new Replicas();
  private final List<Channel> channels = new ArrayList<>();

  @BeforeEach
  void fastReresolution() {
    System.setProperty("rpc.dns.minResolutionIntervalMillis", "100");
  }

  @AfterEach
  void close() throws InterruptedException {
    for (Channel c : channels) {
      c.shutdownNow();
    }
    replicas.close();
    System.clearProperty("rpc.dns.minResolutionIntervalMillis");
  }

  private Channel open(Channel.Builder builder) {
    Channel c = builder.option(JettyTransportOptions.INITIAL_BACKOFF, "100").option(JettyTransportOptions.MAX_BACKOFF, "500")
        .build();
    channels.add(c);
    return c;
  }

  /** Three replicas on 127.0.0.1-3, one port; returns the port. */
  private int threeReplicas(String name) throws Exception {
    int port = replicas.start("127.0.0.1", 0).port();
    replicas.start("127.0.0.2", port);
    replicas.start("127.0.0.3", port);
    TestDns.register(name, "127.0.0.1", "127.0.0.2", "127.0.0.3");
    return port;
  }

  private static String who(Channel c) {
    return c.call(Replicas.WHO, "?", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
  }

  /** Makes calls until every one of {@code labels} has answered one (bounded). */
  private void untilEachAnswered(Channel c, List<String> labels) throws InterruptedException {
    Waits.until("each of " + labels + " answers a call; so far " + replicas.counts(), () -> {
      who(c);
      return labels.stream().allMatch(l -> replicas.calls(l) > 0);
    }, WAIT);
  }

  @Test
  void roundRobinSpreadsTenThousandCallsEvenlyOverThreeServersOfOneName() throws Exception {
    int port = threeReplicas("spread.rpc-test");
    Channel channel = open(Channel.newBuilder("dns:///spread.rpc-test:" + port).defaultLoadBalancingPolicy("round_robin"));
    List<String> labels = List.of("127.0.0.1:" + port, "127.0.0.2:" + port, "127.0.0.3:" + port);
    untilEachAnswered(channel, labels);
    replicas.resetCounts();

    int total = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        workers.add(pool.submit(() -> {
          while (next.getAndIncrement() < total) {
            who(channel);
          }
          return null;
        }));
      }
      for (Future<?> w : workers) {
        w.get(90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, Integer> counts = replicas.counts();
    assertEquals(total, counts.values().stream().mapToInt(Integer::intValue).sum(), counts.toString());
    for (String l : labels) {
      int n = counts.getOrDefault(l, 0);
      assertTrue(Math.abs(n - total / 3.0) <= total / 3.0 * 0.10, l + " took " + n + " of " + total + ": " + counts);
    }
    assertEquals(ConnectivityState.READY, channel.state(false));
  }

  @Test
  void pickFirstStaysOnTheFirstAddressAndMovesOnWhenItDies() throws Exception {
    int port = threeReplicas("first.rpc-test");
    Channel channel = open(Channel.newBuilder("dns:///first.rpc-test:" + port)); // pick_first: the default
    for (int i = 0; i < 200; i++) {
      assertEquals("127.0.0.1:" + port, who(channel));
    }
    assertEquals(Map.of("127.0.0.1:" + port, 200), replicas.counts());

    Server first = findServer("127.0.0.1", port);
    first.shutdownNow();
    first.awaitTermination(Duration.ofSeconds(10));
    // The next call waits for the channel to notice and connect elsewhere; none is left unanswered.
    String moved = Waits.until("a call succeeds on another server", () -> {
      try {
        return who(channel);
      } catch (StatusException e) {
        assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
        return null;
      }
    }, m -> m != null, WAIT);
    assertNotEquals("127.0.0.1:" + port, moved);
    for (int i = 0; i < 100; i++) {
      assertEquals(moved, who(channel), "pick_first uses one server at a time");
    }
  }

  private Server findServer(String host, int port) {
    return replicas.server(host + ":" + port);
  }

  @Test
  void roundRobinKeepsServingWhenOneOfThreeServersStops() throws Exception {
    int port = threeReplicas("lose-one.rpc-test");
    Channel channel = open(Channel.newBuilder("dns:///lose-one.rpc-test:" + port).defaultLoadBalancingPolicy("round_robin"));
    untilEachAnswered(channel, List.of("127.0.0.1:" + port, "127.0.0.2:" + port, "127.0.0.3:" + port));
    Server third = findServer("127.0.0.3", port);
    third.shutdown(); // graceful: GOAWAY, calls in flight finish
    assertTrue(third.awaitTermination(Duration.ofSeconds(10)));
    Waits.until("the channel stops picking the stopped server",
        () -> ConnectivityState.READY == channel.state(false) && tryCalls(channel, 30) == 30, WAIT);
    replicas.resetCounts();
    for (int i = 0; i < 300; i++) {
      who(channel);
    }
    Map<String, Integer> counts = replicas.counts();
    assertEquals(Map.of("127.0.0.1:" + port, 150, "127.0.0.2:" + port, 150), counts);
  }

  private static int tryCalls(Channel channel, int n) {
    int ok = 0;
    for (int i = 0; i < n; i++) {
      try {
        who(channel);
        ok++;
      } catch (StatusException e) {
        return ok;
      }
    }
    return ok;
  }

  @Test
  void ipv4AddressListNeedsNoLookup() throws Exception {
    Server a = replicas.start("127.0.0.1", 0);
    Server b = replicas.start("127.0.0.2", 0);
    Channel channel = open(Channel.newBuilder("ipv4:127.0.0.1:" + a.port() + ",127.0.0.2:" + b.port())
        .defaultLoadBalancingPolicy("round_robin"));
    untilEachAnswered(channel, List.of("127.0.0.1:" + a.port(), "127.0.0.2:" + b.port()));
  }

  @Test
  void malformedAddressListsAndUnknownPoliciesFailAtBuild() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Channel.newBuilder("ipv4:127.0.0.1:80,example.com:80").build());
    assertTrue(e.getMessage().contains("'example.com:80'") && e.getMessage().contains("not an IPv4 address"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Channel.newBuilder("ipv4:127.0.0.1:99999").build());
    assertTrue(e.getMessage().contains("invalid port"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Channel.newBuilder("dns:///x.rpc-test:80").defaultLoadBalancingPolicy("least_busy").build());
    assertTrue(e.getMessage().contains("least_busy") && e.getMessage().contains("round_robin"), e.getMessage());
  }

  @Test
  void unknownNameFailsFastWithTheNameAndWaitForReadyCallsWaitUntilItResolves() throws Exception {
    Channel channel = open(Channel.newBuilder("dns:///later.rpc-test:" + freePort()));
    StatusException e = assertThrows(StatusException.class, () -> who(channel));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code());
    assertTrue(e.status().description().contains("later.rpc-test"), e.toString());
    assertEquals(ConnectivityState.TRANSIENT_FAILURE, channel.state(false));
  }

  @Test
  void stateGoesIdleConnectingFailureAndReadyAndWaitForReadyCallsWaitForAServer() throws Exception {
    int port = freePort();
    Channel channel = open(Channel.newBuilder("127.0.0.1:" + port));
    assertEquals(ConnectivityState.IDLE, channel.state(false));
    List<ConnectivityState> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    watch(channel, ConnectivityState.IDLE, seen);
    assertEquals(ConnectivityState.IDLE, channel.state(true)); // starts connecting
    assertEquals(ConnectivityState.TRANSIENT_FAILURE,
        Waits.until("the channel fails to connect", () -> channel.state(false),
            s -> s == ConnectivityState.TRANSIENT_FAILURE, WAIT));
    StatusException fast = assertThrows(StatusException.class, () -> who(channel));
    assertEquals(Status.Code.UNAVAILABLE, fast.status().code());
    assertTrue(fast.status().description().contains("127.0.0.1:" + port), fast.toString());

    CompletableFuture<String> waiting = channel.callAsync(Replicas.WHO, "?",
        CallOptions.DEFAULT.withWaitForReady(true).withTimeout(Duration.ofSeconds(60)));
    replicas.start("127.0.0.1", port);
    assertEquals("127.0.0.1:" + port, waiting.get(60, TimeUnit.SECONDS));
    assertEquals(ConnectivityState.READY, channel.state(false));
    Waits.until("the watcher saw CONNECTING, TRANSIENT_FAILURE and READY", () -> seen.containsAll(
        List.of(ConnectivityState.CONNECTING, ConnectivityState.TRANSIENT_FAILURE, ConnectivityState.READY)), WAIT);
    channel.close();
    assertEquals(ConnectivityState.SHUTDOWN, channel.state(false));
    assertEquals(ConnectivityState.SHUTDOWN, channel.awaitStateChange(ConnectivityState.READY, WAIT));
  }

  /** Records every state the channel passes through, by re-registering after each change. */
  private static void watch(Channel channel, ConnectivityState from, List<ConnectivityState> seen) {
    channel.notifyWhenStateChanged(from, () -> {
      ConnectivityState now = channel.state(false);
      seen.add(now);
      if (now != ConnectivityState.SHUTDOWN) {
        watch(channel, now, seen);
      }
    });
  }

  @Test
  void aNameThatMovesIsResolvedAgainWhenItsServerGoesAway() throws Exception {
    Server old = replicas.start("127.0.0.2", 0);
    int port = old.port();
    TestDns.register("moving.rpc-test", "127.0.0.2");
    Channel channel = open(Channel.newBuilder("dns:///moving.rpc-test:" + port));
    assertEquals("127.0.0.2:" + port, who(channel));
    int lookups = TestDns.lookups("moving.rpc-test");

    replicas.start("127.0.0.3", port);
    TestDns.register("moving.rpc-test", "127.0.0.3");
    old.shutdownNow();
    String now = Waits.until("calls reach the name's new address", () -> {
      try {
        return channel.call(Replicas.WHO, "?", CallOptions.DEFAULT.withWaitForReady(true)
            .withTimeout(Duration.ofSeconds(5)));
      } catch (StatusException e) {
        return null;
      }
    }, s -> ("127.0.0.3:" + port).equals(s), WAIT);
    assertEquals("127.0.0.3:" + port, now);
    assertTrue(TestDns.lookups("moving.rpc-test") > lookups, "the name was looked up again");
  }

  @Test
  void manualResolverAddressesCanChangeWhileTheChannelRuns() throws Exception {
    Server a = replicas.start("127.0.0.1", 0);
    Server b = replicas.start("127.0.0.2", 0);
    ManualResolver backends = new ManualResolver("backends");
    backends.setAddresses(List.of(new InetSocketAddress("127.0.0.1", a.port())));
    Channel channel = open(Channel.newBuilder("backends:///orders").nameResolver(backends)
        .defaultLoadBalancingPolicy("round_robin"));
    assertEquals("127.0.0.1:" + a.port(), who(channel));
    backends.setAddresses(List.of(new InetSocketAddress("127.0.0.2", b.port())));
    Waits.until("calls go to the new address", () -> ("127.0.0.2:" + b.port()).equals(who(channel)), WAIT);
    for (int i = 0; i < 50; i++) {
      assertEquals("127.0.0.2:" + b.port(), who(channel));
    }
  }

  @Test
  void aServiceConfigFromTheResolverSwitchesThePolicyAndAnInvalidOneIsIgnored() throws Exception {
    Server a = replicas.start("127.0.0.1", 0);
    Server b = replicas.start("127.0.0.2", 0);
    List<InetSocketAddress> both = List.of(new InetSocketAddress("127.0.0.1", a.port()),
        new InetSocketAddress("127.0.0.2", b.port()));
    ManualResolver backends = new ManualResolver("configured");
    backends.setAddresses(both);
    Channel channel = open(Channel.newBuilder("configured:///replicas").nameResolver(backends));
    for (int i = 0; i < 20; i++) {
      assertEquals("127.0.0.1:" + a.port(), who(channel), "pick_first, the default");
    }
    backends.setAddresses(both, Map.of("loadBalancingConfig", List.of(Map.of("round_robin", Map.of()))));
    untilEachAnswered(channel, List.of("127.0.0.1:" + a.port(), "127.0.0.2:" + b.port()));

    backends.setAddresses(both, Map.of("loadBalancingConfig", List.of(Map.of("no_such_policy", Map.of()))));
    replicas.resetCounts();
    untilEachAnswered(channel, List.of("127.0.0.1:" + a.port(), "127.0.0.2:" + b.port())); // still round_robin

    backends.setAddresses(both, null); // back to the channel's default: pick_first
    Waits.until("calls settle on one server again", () -> {
      replicas.resetCounts();
      for (int i = 0; i < 20; i++) {
        who(channel);
      }
      return replicas.counts().size() == 1;
    }, WAIT);
  }

  @Test
  void aServersMaximumConnectionAgeMovesLongLivedClientsOntoANewlyAddedServer() throws Exception {
    // The first server rebalances its clients every ~300 ms, as a load balancer's backends do.
    int port = replicas.startWith("127.0.0.1", 0, b -> b.option(JettyTransportOptions.MAX_CONNECTION_AGE, "300")).port();
    TestDns.register("aging.rpc-test", "127.0.0.1");
    Channel channel = open(Channel.newBuilder("dns:///aging.rpc-test:" + port).defaultLoadBalancingPolicy("round_robin"));
    assertEquals("127.0.0.1:" + port, who(channel));

    replicas.start("127.0.0.2", port);
    TestDns.register("aging.rpc-test", "127.0.0.1", "127.0.0.2");
    // No call fails and nothing tells the client about the new server but its own re-resolution,
    // which the aged connection's GOAWAY sets off.
    Waits.until("calls reach the server added to the name", () -> {
      who(channel);
      return replicas.calls("127.0.0.2:" + port) > 0;
    }, WAIT);
  }

  @Test
  void badTransportSettingsFailTheBuildAndAnAddressTheTransportCannotUseFailsCallsInsteadOfHangingThem()
      throws Exception {
    for (String[] bad : new String[][] {{JettyTransportOptions.CONNECT_TIMEOUT, "x"},
        {JettyTransportOptions.CONNECT_TIMEOUT, "0"}, {JettyTransportOptions.INITIAL_BACKOFF, "-1"},
        {JettyTransportOptions.KEEPALIVE_TIMEOUT, "abc"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Channel.newBuilder("127.0.0.1:1").option(bad[0], bad[1]).build(), bad[0] + "=" + bad[1]);
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }

    Server good = replicas.start("127.0.0.1", 0);
    java.net.SocketAddress strange = new java.net.SocketAddress() {
      private static final long serialVersionUID = 1L;

      @Override
      public String toString() {
        return "strange-address";
      }
    };
    ManualResolver only = new ManualResolver("strange");
    only.setAddresses(List.of(strange));
    Channel failing = open(Channel.newBuilder("strange:///x").nameResolver(only));
    StatusException e = assertThrows(StatusException.class, () -> who(failing));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code());
    assertTrue(e.status().description().contains("cannot use address strange-address"), e.toString());

    ManualResolver mixed = new ManualResolver("mixed");
    mixed.setAddresses(List.of(strange, new InetSocketAddress("127.0.0.1", good.port())));
    Channel working = open(Channel.newBuilder("mixed:///x").nameResolver(mixed).defaultLoadBalancingPolicy("round_robin"));
    for (int i = 0; i < 10; i++) {
      assertEquals("127.0.0.1:" + good.port(), who(working), "the usable address takes every call");
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
