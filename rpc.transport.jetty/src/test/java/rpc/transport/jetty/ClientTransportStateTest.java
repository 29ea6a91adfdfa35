package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.ConnectivityState;
import rpc.api.Metadata;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.Target;
import rpc.testkit.RecordingClientListener;

/**
 * A client transport's connectivity state, driven through the SPI as a load balancer drives a
 * subchannel: one transport per resolved address, watched with {@code watchState}.
 */
@Timeout(60)
class ClientTransportStateTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** Never resolved: the transport must use the address it is given. */
  private static final String UNRESOLVABLE = "unresolvable.invalid";

  private final List<Server> servers = new ArrayList<>();
  private final List<ClientTransport> transports = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ClientTransport t : transports) {
      t.shutdownNow();
      assertTrue(t.awaitTermination(10, TimeUnit.SECONDS), "transport did not terminate");
    }
    for (Server s : servers) {
      s.shutdownNow();
      assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
    }
  }

  /** Records the state each time the watcher is told to look, and waits for one. */
  private static final class RecordingStateWatcher implements Runnable {
    private final ClientTransport transport;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<ConnectivityState> seen = new ArrayList<>();
    private final List<Long> seenAtNanos = new ArrayList<>();
    /** What failure() said right after each look that found TRANSIENT_FAILURE. */
    private final List<Status> failures = new ArrayList<>();

    RecordingStateWatcher(ClientTransport transport) {
      this.transport = transport;
      transport.watchState(this);
    }

    @Override
    public void run() {
      ConnectivityState now = transport.state();
      long at = System.nanoTime();
      Status failure = now == ConnectivityState.TRANSIENT_FAILURE ? transport.failure() : null;
      lock.lock();
      try {
        if (seen.isEmpty() || seen.getLast() != now) {
          seen.add(now);
          seenAtNanos.add(at);
          if (now == ConnectivityState.TRANSIENT_FAILURE) {
            failures.add(failure);
          }
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Waits until the watcher has seen {@code state} at index {@code from} or later; returns its index. */
    int await(ConnectivityState state, int from) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      lock.lock();
      try {
        while (true) {
          for (int i = from; i < seen.size(); i++) {
            if (seen.get(i) == state) {
              return i;
            }
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("the watcher never saw " + state + " (from #" + from + "); it saw " + seen
                + ", the state is now " + transport.state());
          }
          changed.awaitNanos(left);
        }
      } finally {
        lock.unlock();
      }
    }

    long seenAtNanos(int index) {
      lock.lock();
      try {
        return seenAtNanos.get(index);
      } finally {
        lock.unlock();
      }
    }

    int count() {
      lock.lock();
      try {
        return seen.size();
      } finally {
        lock.unlock();
      }
    }

    List<Status> failures() {
      lock.lock();
      try {
        return new ArrayList<>(failures);
      } finally {
        lock.unlock();
      }
    }

    List<ConnectivityState> seen() {
      lock.lock();
      try {
        return List.copyOf(seen);
      } finally {
        lock.unlock();
      }
    }
  }

  private Server server() throws Exception {
    Server s = Server.newBuilder().listen("127.0.0.2:0").addService(Fixtures.echoService()).build().start();
    servers.add(s);
    return s;
  }

  /** A transport for target {@code unresolvable.invalid:PORT}, given the address 127.0.0.2:PORT. */
  private ClientTransport transport(int port, Map<String, String> options) {
    ClientTransportConfig config = new ClientTransportConfig(Target.parse("dns:///" + UNRESOLVABLE + ":" + port),
        4 * 1024 * 1024, null, null, null, null, options);
    ClientTransport t = new JettyTransportProvider().newClientTransport(
        config.withAddress(new InetSocketAddress("127.0.0.2", port)));
    transports.add(t);
    return t;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
      return s.getLocalPort();
    }
  }

  private static String unary(ClientTransport transport, String request) throws InterruptedException {
    ClientCall<String, String> call = transport.newCall(Fixtures.UNARY, CallOptions.DEFAULT);
    RecordingClientListener<String> listener = new RecordingClientListener<>("unary");
    call.start(listener, new Metadata());
    call.request(1);
    call.send(request);
    call.halfClose();
    Status status = listener.awaitClose(WAIT);
    assertEquals(Status.Code.OK, status.code(), status.toString());
    return listener.messages().getFirst();
  }

  @Test
  void idleUntilAskedThenConnectsToTheGivenAddressAndIsReady() throws Exception {
    Server server = server();
    ClientTransport transport = transport(server.port(), Map.of());
    RecordingStateWatcher watcher = new RecordingStateWatcher(transport);
    assertEquals(ConnectivityState.IDLE, transport.state());
    assertNull(transport.failure());

    transport.connect();
    watcher.await(ConnectivityState.READY, 0);
    // The watcher is a signal to look again, so a slow reader may see READY at its first look.
    List<ConnectivityState> seen = watcher.seen();
    assertTrue(seen.equals(List.of(ConnectivityState.CONNECTING, ConnectivityState.READY))
        || seen.equals(List.of(ConnectivityState.READY)), () -> "states seen: " + seen);
    assertNull(transport.failure());
    assertEquals("echo:hi", unary(transport, "hi"), "calls go to the given address, not to the unresolvable target");
    transport.connect(); // READY: nothing to do
    assertEquals(ConnectivityState.READY, transport.state());
  }

  @Test
  void connectingUntilTheServerSendsItsSettings() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
      CountDownLatch accepted = new CountDownLatch(1);
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try (Socket s = silent.accept()) {
          accepted.countDown();
          s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()); // reads the preface, answers nothing
        } catch (java.io.IOException closed) {
          // the transport gave up or the test ended
        }
      });
      ClientTransport transport = transport(silent.getLocalPort(), Map.of());
      RecordingStateWatcher watcher = new RecordingStateWatcher(transport);
      transport.connect();
      watcher.await(ConnectivityState.CONNECTING, 0);
      assertTrue(accepted.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the transport never reached the socket");
      assertEquals(ConnectivityState.CONNECTING, transport.state(), "a TCP connection alone is not READY");
      transport.shutdownNow();
      acceptor.join(WAIT.toMillis());
    }
  }

  @Test
  void aFailedAttemptIsATransientFailureNamingTheAddressThenIdleAgainWithGrowingBackoff() throws Exception {
    int port = closedPort();
    long initialMillis = 100;
    ClientTransport transport = transport(port, Map.of(JettyTransportOptions.INITIAL_BACKOFF,
        Long.toString(initialMillis), JettyTransportOptions.MAX_BACKOFF, "60000"));
    RecordingStateWatcher watcher = new RecordingStateWatcher(transport);
    int from = 0;
    long lastWait = 0;
    for (int attempt = 1; attempt <= 3; attempt++) {
      long asked = System.nanoTime();
      transport.connect();
      int failed = watcher.await(ConnectivityState.TRANSIENT_FAILURE, from);
      int idle = watcher.await(ConnectivityState.IDLE, failed + 1);
      assertNull(transport.failure(), "no failure is reported once IDLE");
      lastWait = watcher.seenAtNanos(idle) - asked;
      from = idle + 1;
    }
    // failure() is read as the watcher looks; null only if the backoff ended before that look.
    List<Status> failures = watcher.failures();
    failures.removeIf(java.util.Objects::isNull);
    assertTrue(!failures.isEmpty(), "failure() said nothing while in TRANSIENT_FAILURE");
    for (Status failure : failures) {
      assertEquals(Status.Code.UNAVAILABLE, failure.code());
      // The address tried, after the target's name it was resolved from (never looked up again here).
      assertTrue(failure.description().contains(UNRESOLVABLE + ":" + port + " at 127.0.0.2:" + port),
          () -> "the failure names the target and the address tried: " + failure);
    }
    // Delays are 100, 160, 256 ms ±20%: the third attempt's wait cannot be shorter than 0.8 × 256 ms
    // (a measured wait is never shorter than the delay), while an unchanged delay would be ~100 ms.
    long floor = TimeUnit.MILLISECONDS.toNanos((long) (initialMillis * 1.6 * 1.6 * 0.8));
    assertTrue(lastWait >= floor, "the backoff did not grow across attempts: the third waited only "
        + TimeUnit.NANOSECONDS.toMillis(lastWait) + " ms; states " + watcher.seen());
  }

  @Test
  void readyGoesBackToIdleWhenTheServerSendsGoAway() throws Exception {
    Server server = server();
    ClientTransport transport = transport(server.port(), Map.of());
    RecordingStateWatcher watcher = new RecordingStateWatcher(transport);
    transport.connect();
    int ready = watcher.await(ConnectivityState.READY, 0);
    server.shutdown();
    watcher.await(ConnectivityState.IDLE, ready + 1);
    assertNull(transport.failure());
    assertTrue(server.awaitTermination(WAIT));
  }

  @Test
  void readyGoesBackToIdleWhenTheConnectionIsLost() throws Exception {
    Server server = server();
    ClientTransport transport = transport(server.port(), Map.of());
    RecordingStateWatcher watcher = new RecordingStateWatcher(transport);
    transport.connect();
    int ready = watcher.await(ConnectivityState.READY, 0);
    server.shutdownNow();
    watcher.await(ConnectivityState.IDLE, ready + 1);
  }

  @Test
  void shutdownIsReportedAndFinal() throws Exception {
    Server server = server();
    ClientTransport transport = transport(server.port(), Map.of());
    RecordingStateWatcher watcher = new RecordingStateWatcher(transport);
    transport.connect();
    int ready = watcher.await(ConnectivityState.READY, 0);
    transport.shutdown();
    watcher.await(ConnectivityState.SHUTDOWN, ready + 1);
    transport.connect();
    assertEquals(ConnectivityState.SHUTDOWN, transport.state());
    assertTrue(transport.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(ConnectivityState.SHUTDOWN, transport.state());
    assertEquals(ConnectivityState.SHUTDOWN, watcher.seen().getLast(), () -> "watcher saw " + watcher.seen());
    assertTrue(watcher.count() >= 3);
  }
}
