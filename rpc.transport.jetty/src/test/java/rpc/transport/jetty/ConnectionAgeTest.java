package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.testkit.Waits;

/**
 * Maximum connection age and idleness (gRFC A9): the server drains such a connection with GOAWAY,
 * calls in flight finish (or end UNAVAILABLE once the age's grace period is over), and the channel
 * carries on over a new connection without a failed call. Connections are told apart by the peer
 * address the server saw.
 */
@Timeout(60)
class ConnectionAgeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final MethodDescriptor<String, String> PEER = MethodDescriptor.of(
      "test.Age/Peer", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);
  /** Answers each message with the message and the peer: {@code m@127.0.0.1:port}. */
  private static final MethodDescriptor<String, String> PEER_CHAT = MethodDescriptor.of(
      "test.Age/PeerChat", MethodDescriptor.Kind.BIDI_STREAMING, Fixtures.STRING, Fixtures.STRING);

  private final List<Server> servers = new ArrayList<>();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    for (Server s : servers) {
      s.shutdownNow();
      assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
    }
  }

  private static ServiceDefinition peerService() {
    return ServiceDefinition.newBuilder("test.Age")
        .unary(PEER, (req, ctx) -> ctx.peer())
        .bidiStreaming(PEER_CHAT, stream -> {
          String m;
          while ((m = stream.receive()) != null) {
            stream.send(m + "@" + stream.context().peer());
          }
        })
        .build();
  }

  private Server server(String... options) throws Exception {
    Server.Builder b = Server.newBuilder().listen("127.0.0.1:0").addService(peerService());
    for (int i = 0; i < options.length; i += 2) {
      b.option(options[i], options[i + 1]);
    }
    Server s = b.build().start();
    servers.add(s);
    return s;
  }

  private Channel channel(Server server) {
    Channel c = Channel.open("127.0.0.1:" + server.port());
    open.add(c);
    return c;
  }

  @Test
  void callsRunOnThroughConnectionsThatReachTheirMaximumAge() throws Exception {
    Server server = server(JettyTransportOptions.MAX_CONNECTION_AGE, "300");
    Channel channel = channel(server);
    Set<String> peers = ConcurrentHashMap.newKeySet();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      callers.add(Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 20_000 && System.nanoTime() - end < 0; i++) {
          try {
            peers.add(channel.call(PEER, "x", CallOptions.DEFAULT.withTimeout(WAIT)));
            calls.incrementAndGet();
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
      }));
    }
    for (Thread t : callers) {
      assertTrue(t.join(Duration.ofSeconds(30)), "a caller is stuck");
    }
    assertEquals(List.of(), failures, () -> failures.size() + " of " + (calls.get() + failures.size()) + " calls failed");
    assertTrue(peers.size() > 1, () -> calls.get() + " calls in 3 s all went over one connection: " + peers);
  }

  @Test
  void aStreamInFlightWhenTheAgeIsReachedFinishesWhenTheGraceIsUnlimited() throws Exception {
    Server server = server(JettyTransportOptions.MAX_CONNECTION_AGE, "300");
    Channel channel = channel(server);
    try (ClientStream<String, String> stream = channel.newStream(PEER_CHAT, CallOptions.DEFAULT.withTimeout(WAIT))) {
      stream.send("a");
      String first = stream.receive();
      String peer = first.substring(first.indexOf('@') + 1);
      awaitNewConnection(channel, peer);
      stream.send("b");
      assertEquals("b@" + peer, stream.receive(), "the stream carried on over its old connection");
      stream.halfClose();
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code(), stream.status().toString());
    }
  }

  @Test
  void aStreamStillRunningWhenTheGraceEndsFailsUnavailable() throws Exception {
    Server server = server(JettyTransportOptions.MAX_CONNECTION_AGE, "300",
        JettyTransportOptions.MAX_CONNECTION_AGE_GRACE, "300");
    Channel channel = channel(server);
    try (ClientStream<String, String> stream = channel.newStream(PEER_CHAT, CallOptions.DEFAULT.withTimeout(WAIT))) {
      stream.send("a");
      assertTrue(stream.receive().startsWith("a@"));
      StatusException e = assertThrows(StatusException.class, stream::receive); // blocks until the grace ends
      assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
      assertTrue(e.status().description().contains("grace period"), e.status().toString());
    }
    assertTrue(channel.call(PEER, "x", CallOptions.DEFAULT.withTimeout(WAIT)).startsWith("127.0.0.1:"),
        "the channel carries on over a new connection");
  }

  /** Calls {@code channel} until a call lands on a connection other than {@code oldPeer}'s; bounded. */
  private static void awaitNewConnection(Channel channel, String oldPeer) throws InterruptedException {
    Waits.until("a call over a connection other than " + oldPeer,
        () -> channel.call(PEER, "x", CallOptions.DEFAULT.withTimeout(WAIT)), p -> !p.equals(oldPeer), WAIT);
  }

  @Test
  void anIdleConnectionIsDrainedWithTwoGoAwaysAndClosed() throws Exception {
    Server server = server(JettyTransportOptions.MAX_CONNECTION_IDLE, "300");
    RawConnection idle = new RawConnection(server.port());
    open.add(idle);
    GoAwayFrame first = idle.goAway.get(10, TimeUnit.SECONDS);
    assertEquals(Integer.MAX_VALUE, first.getLastStreamId(), "the first GOAWAY refuses no stream: " + first);
    assertEquals(ErrorCode.NO_ERROR.code, first.getError());
    assertEquals("max_idle", RawConnection.debugData(first));
    idle.closed.get(10, TimeUnit.SECONDS);
    List<GoAwayFrame> goAways = idle.goAways();
    GoAwayFrame last = goAways.get(goAways.size() - 1);
    assertEquals(0, last.getLastStreamId(), () -> "the final GOAWAY names the last stream (none): " + goAways);
    assertEquals(ErrorCode.NO_ERROR.code, last.getError());
    int firstAt = idle.serverFrames.indexOf(first);
    assertTrue(idle.serverFrames.subList(firstAt, idle.serverFrames.indexOf(last)).stream()
        .anyMatch(PingFrame.class::isInstance), () -> "no PING between the GOAWAYs: " + idle.serverFrames);
  }

  @Test
  void aChannelWhoseConnectionWasClosedForIdlenessCarriesOnOverANewOne() throws Exception {
    Logger serverLog = Logger.getLogger("rpc.transport.jetty.server");
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Level before = serverLog.getLevel();
    serverLog.setLevel(Level.ALL);
    serverLog.addHandler(capture);
    try {
      Server server = server(JettyTransportOptions.MAX_CONNECTION_IDLE, "300");
      Channel channel = channel(server);
      String peer = channel.call(PEER, "x", CallOptions.DEFAULT.withTimeout(WAIT));
      // The server's log is the one outside view of a connection that carries no call.
      Waits.until("the server closed the idle connection from " + peer, () -> logged.stream()
          .anyMatch(m -> m.endsWith(peer + " closed") || m.endsWith(peer + " failed")), WAIT);
      String next = channel.call(PEER, "x", CallOptions.DEFAULT.withTimeout(WAIT));
      assertNotEquals(peer, next);
    } finally {
      serverLog.removeHandler(capture);
      serverLog.setLevel(before);
    }
  }

  @Test
  void badValuesFailTheBuild() {
    String[][] bad = {
        {JettyTransportOptions.PERMIT_KEEPALIVE_TIME, "-1"}, {JettyTransportOptions.PERMIT_KEEPALIVE_TIME, "soon"},
        {JettyTransportOptions.PERMIT_KEEPALIVE_WITHOUT_CALLS, "yes"},
        {JettyTransportOptions.MAX_CONNECTION_AGE, "0"}, {JettyTransportOptions.MAX_CONNECTION_AGE, "-300"},
        {JettyTransportOptions.MAX_CONNECTION_AGE, "1h"}, {JettyTransportOptions.MAX_CONNECTION_AGE_GRACE, "-1"},
        {JettyTransportOptions.MAX_CONNECTION_IDLE, "0"}, {JettyTransportOptions.MAX_CONNECTION_IDLE, "idle"}};
    for (String[] kv : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Server.newBuilder()
          .listen("127.0.0.1:0").addService(peerService()).option(kv[0], kv[1]).build(), () -> kv[0] + "=" + kv[1]);
      assertTrue(e.getMessage().contains(kv[0]) && e.getMessage().contains(kv[1]), e.getMessage());
    }
  }
}
