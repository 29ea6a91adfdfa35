package rpc.api.internal.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.ConnectivityState;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ManualResolver;
import rpc.api.spi.Target;

/**
 * The balanced transport's own promises, with transports whose state the test sets: calls held
 * while nothing is READY are placed in order, fail or wait as their options say, end exactly once
 * however cancellation races placement, and never hold more than one request message; pick_first
 * and round_robin choose as gRPC's do.
 */
@Timeout(60)
class LoadBalancedTransportTest {
  private static final MethodDescriptor<String, String> METHOD = MethodDescriptor.of("test.S/M",
      MethodDescriptor.Kind.BIDI_STREAMING, rpc.api.internal.Utf8Codec.INSTANCE, rpc.api.internal.Utf8Codec.INSTANCE);
  private static final SocketAddress A = new InetSocketAddress("127.0.0.1", 1001);
  private static final SocketAddress B = new InetSocketAddress("127.0.0.2", 1002);
  private static final SocketAddress C = new InetSocketAddress("127.0.0.3", 1003);

  private final FakeNetwork network = new FakeNetwork();
  private final ManualResolver resolver = new ManualResolver("fake");

  private LoadBalancedTransport transport(String policy) {
    Target target = Target.parse("fake:///svc");
    ClientTransportConfig config = new ClientTransportConfig(target, 1 << 20, null, null, null, null, Map.of());
    return new LoadBalancedTransport(config, resolver.newNameResolver(target, 80), Balancers.find(policy), network);
  }

  /** Records a call's callbacks and checks they never overlap and end once. */
  static final class Recorder implements ClientCall.Listener<String> {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger inside = new AtomicInteger();
    volatile Status status;

    private void enter() {
      assertEquals(1, inside.incrementAndGet(), "callbacks overlap");
      assertEquals(0, closes.get(), "a callback after onClose");
    }

    @Override
    public void onMessage(String message) {
      enter();
      events.add("message " + message);
      inside.decrementAndGet();
    }

    @Override
    public void onReady() {
      enter();
      events.add("ready");
      inside.decrementAndGet();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      enter();
      this.status = status;
      events.add("close " + status.code());
      closes.incrementAndGet();
      inside.decrementAndGet();
      closed.countDown();
    }
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
      Thread.sleep(1);
    }
  }

  @Test
  void aCallMadeWhileIdleIsHeldAndReplayedInOrderOnceASubchannelIsReady() throws Exception {
    resolver.setAddresses(List.of(A, B));
    LoadBalancedTransport t = transport("pick_first");
    assertEquals(ConnectivityState.IDLE, t.state());
    ClientCall<String, String> call = t.newCall(METHOD, CallOptions.DEFAULT);
    Recorder r = new Recorder();
    call.start(r, new Metadata());
    call.request(3);
    assertTrue(call.isReady(), "one message may be held");
    call.send("one");
    assertTrue(!call.isReady(), "no second message is held");
    until("the first address is asked to connect", () -> network.at(A) != null && network.at(A).connects > 0);
    assertEquals(ConnectivityState.CONNECTING, t.state());
    network.at(A).set(ConnectivityState.READY);
    until("the call is placed on A", () -> network.at(A).calls.size() == 1);
    FakeNetwork.FakeCall<?, ?> real = network.at(A).calls.get(0);
    until("the record is replayed", () -> real.ops.size() == 3);
    assertEquals(List.of("start", "request 3", "send one"), real.ops);
    until("the sender is woken", () -> r.events.contains("ready"));
    call.send("two");
    call.halfClose();
    assertEquals(List.of("start", "request 3", "send one", "send two", "halfClose"), real.ops);
    assertEquals(ConnectivityState.READY, t.state());
    // Later calls go straight to the READY subchannel.
    t.newCall(METHOD, CallOptions.DEFAULT).start(new Recorder(), new Metadata());
    assertEquals(2, network.at(A).calls.size());
    assertEquals(0, network.at(B).connects, "pick_first connects nowhere else while A answers");
  }

  @Test
  void failFastCallsFailWhenEveryAddressFailsAndWaitForReadyCallsWait() throws Exception {
    resolver.setAddresses(List.of(A, B));
    LoadBalancedTransport t = transport("pick_first");
    Recorder failFast = new Recorder();
    t.newCall(METHOD, CallOptions.DEFAULT).start(failFast, new Metadata());
    Recorder patient = new Recorder();
    t.newCall(METHOD, CallOptions.DEFAULT.withWaitForReady(true)).start(patient, new Metadata());
    until("A is tried", () -> network.at(A) != null && network.at(A).connects > 0);
    network.at(A).set(ConnectivityState.TRANSIENT_FAILURE);
    until("B is tried next", () -> network.at(B) != null && network.at(B).connects > 0);
    assertEquals(1, failFast.closed.getCount(), "a failing first address alone fails no call");
    network.at(B).set(ConnectivityState.TRANSIENT_FAILURE);
    assertTrue(failFast.closed.await(10, TimeUnit.SECONDS));
    assertEquals(Status.Code.UNAVAILABLE, failFast.status.code());
    assertTrue(failFast.status.description().contains("127.0.0.2"), failFast.status.toString());
    assertEquals(ConnectivityState.TRANSIENT_FAILURE, t.state());
    assertEquals(1, patient.closed.getCount());

    // A's backoff ends (IDLE): it is tried again, the channel stays in TRANSIENT_FAILURE meanwhile.
    int before = network.at(A).connects;
    network.at(A).set(ConnectivityState.IDLE);
    until("A is tried again", () -> network.at(A).connects > before);
    assertEquals(ConnectivityState.TRANSIENT_FAILURE, t.state());
    network.at(A).set(ConnectivityState.READY);
    until("the waiting call is placed on A", () -> network.at(A).calls.size() == 1);
    assertEquals(ConnectivityState.READY, t.state());
    assertTrue(resolver.refreshCount() > 0, "a failure asks for a new resolution");
  }

  @Test
  void cancellingAHeldCallEndsItOnceAndItNeverReachesATransport() throws Exception {
    resolver.setAddresses(List.of(A));
    LoadBalancedTransport t = transport("pick_first");
    ClientCall<String, String> call = t.newCall(METHOD, CallOptions.DEFAULT);
    Recorder r = new Recorder();
    call.start(r, new Metadata());
    call.send("x");
    call.cancel(Status.DEADLINE_EXCEEDED.withDescription("deadline"));
    call.cancel(Status.CANCELLED);
    assertTrue(r.closed.await(5, TimeUnit.SECONDS));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, r.status.code());
    until("A is asked to connect", () -> network.at(A) != null && network.at(A).connects > 0);
    network.at(A).set(ConnectivityState.READY);
    until("the transport is READY", () -> t.state() == ConnectivityState.READY);
    assertEquals(0, network.at(A).calls.size(), "a cancelled call is not placed");
    assertEquals(1, r.closes.get());
  }

  @Test
  void cancellationRacingPlacementEndsEveryCallExactlyOnce() throws Exception {
    for (int round = 0; round < 200; round++) {
      FakeNetwork net = new FakeNetwork();
      ManualResolver res = new ManualResolver("fake");
      res.setAddresses(List.of(A));
      Target target = Target.parse("fake:///svc");
      LoadBalancedTransport t = new LoadBalancedTransport(
          new ClientTransportConfig(target, 1 << 20, null, null, null, null, Map.of()),
          res.newNameResolver(target, 80), Balancers.find("round_robin"), net);
      List<Recorder> recorders = new CopyOnWriteArrayList<>();
      List<ClientCall<String, String>> calls = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 20; i++) {
        ClientCall<String, String> c = t.newCall(METHOD, CallOptions.DEFAULT);
        Recorder r = new Recorder();
        c.start(r, new Metadata());
        c.send("m" + i);
        recorders.add(r);
        calls.add(c);
      }
      until("A is asked to connect", () -> net.at(A) != null && net.at(A).connects > 0);
      Thread canceller = Thread.ofPlatform().start(() -> calls.forEach(c -> c.cancel(Status.CANCELLED)));
      net.at(A).set(ConnectivityState.READY);
      canceller.join(10_000);
      for (Recorder r : recorders) {
        assertTrue(r.closed.await(10, TimeUnit.SECONDS), "round " + round + ": a call never ended");
        assertEquals(1, r.closes.get());
      }
      for (FakeNetwork.FakeCall<?, ?> placed : net.at(A).calls) {
        if (placed.ops.isEmpty()) {
          continue; // created, then not started because the cancel came first: it holds nothing
        }
        assertEquals("start", placed.ops.get(0), "round " + round + ": " + placed.ops);
        until("a placed call saw its cancel", () -> placed.ops.contains("cancel CANCELLED"));
      }
      t.shutdownNow();
    }
  }

  @Test
  void roundRobinTakesReadySubchannelsInTurnAndSkipsFailedOnes() throws Exception {
    resolver.setAddresses(List.of(A, B, C));
    LoadBalancedTransport t = transport("round_robin");
    t.connect();
    until("all three are asked to connect", () -> network.transports.size() == 3
        && network.transports.values().stream().allMatch(x -> x.connects > 0));
    network.at(A).set(ConnectivityState.READY);
    network.at(B).set(ConnectivityState.READY);
    network.at(C).set(ConnectivityState.READY);
    until("READY", () -> t.state() == ConnectivityState.READY);
    Map<SocketAddress, Integer> counts = placeCalls(t, 300);
    assertEquals(Map.of(A, 100, B, 100, C, 100), counts);

    network.at(B).set(ConnectivityState.TRANSIENT_FAILURE);
    until("B leaves the rotation", () -> placeCalls(t, 2).get(B) == null && placeCalls(t, 2).get(B) == null);
    counts = placeCalls(t, 200);
    assertEquals(Map.of(A, 100, C, 100), counts);
    network.at(C).set(ConnectivityState.IDLE); // its connection went away: round_robin reconnects at once
    until("C is asked to reconnect", () -> network.at(C).connects > 1);
  }

  private Map<SocketAddress, Integer> placeCalls(LoadBalancedTransport t, int n) {
    Map<SocketAddress, Integer> before = new ConcurrentHashMap<>();
    network.transports.forEach((a, x) -> before.put(a, x.calls.size()));
    for (int i = 0; i < n; i++) {
      t.newCall(METHOD, CallOptions.DEFAULT).start(new Recorder(), new Metadata());
    }
    Map<SocketAddress, Integer> placed = new java.util.HashMap<>();
    network.transports.forEach((a, x) -> {
      int d = x.calls.size() - before.getOrDefault(a, 0);
      if (d > 0) {
        placed.put(a, d);
      }
    });
    return placed;
  }

  @Test
  void shutdownNowFailsHeldCallsAndShutdownLetsThemFinish() throws Exception {
    resolver.setAddresses(List.of(A));
    LoadBalancedTransport t = transport("pick_first");
    Recorder held = new Recorder();
    t.newCall(METHOD, CallOptions.DEFAULT).start(held, new Metadata());
    until("A is asked to connect", () -> network.at(A) != null && network.at(A).connects > 0);
    t.shutdown();
    assertEquals(ConnectivityState.SHUTDOWN, t.state());
    assertTrue(!t.awaitTermination(50, TimeUnit.MILLISECONDS), "a held call keeps the channel alive");
    network.at(A).set(ConnectivityState.READY);
    until("the held call is placed after shutdown", () -> network.at(A).calls.size() == 1);
    assertTrue(t.awaitTermination(10, TimeUnit.SECONDS));

    FakeNetwork net2 = new FakeNetwork();
    ManualResolver res2 = new ManualResolver("fake");
    res2.setAddresses(List.of(A));
    Target target = Target.parse("fake:///svc");
    LoadBalancedTransport t2 = new LoadBalancedTransport(
        new ClientTransportConfig(target, 1 << 20, null, null, null, null, Map.of()),
        res2.newNameResolver(target, 80), Balancers.find("pick_first"), net2);
    Recorder doomed = new Recorder();
    t2.newCall(METHOD, CallOptions.DEFAULT.withWaitForReady(true)).start(doomed, new Metadata());
    t2.shutdownNow();
    assertTrue(doomed.closed.await(5, TimeUnit.SECONDS));
    assertEquals(Status.Code.UNAVAILABLE, doomed.status.code());
    assertTrue(t2.awaitTermination(10, TimeUnit.SECONDS));
  }
}
