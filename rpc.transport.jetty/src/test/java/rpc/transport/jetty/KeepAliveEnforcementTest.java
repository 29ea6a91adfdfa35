package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.Server;

/**
 * Keepalive enforcement (gRFC A8): a client that PINGs more often than the server permits is sent
 * GOAWAY {@code ENHANCE_YOUR_CALM} with {@code too_many_pings} and disconnected; one that keeps to
 * the permitted rate, or PINGs in answer to what the server sends, is not.
 */
@Timeout(60)
class KeepAliveEnforcementTest {
  private static final int PINGS = 10;
  private static final String CHAT = "test.Echo/Chat";

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();

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

  private Server server(String... options) throws Exception {
    Server.Builder b = Server.newBuilder().listen("127.0.0.1:0").addService(Fixtures.echoService());
    for (int i = 0; i < options.length; i += 2) {
      b.option(options[i], options[i + 1]);
    }
    Server s = b.build().start();
    servers.add(s);
    return s;
  }

  private RawConnection connect(Server server) throws Exception {
    RawConnection c = new RawConnection(server.port());
    open.add(c);
    return c;
  }

  private static void assertTooManyPings(RawConnection c) throws Exception {
    GoAwayFrame goAway = c.goAway.get(10, TimeUnit.SECONDS);
    assertEquals(ErrorCode.ENHANCE_YOUR_CALM_ERROR.code, goAway.getError(), goAway.toString());
    assertEquals("too_many_pings", RawConnection.debugData(goAway));
    c.closed.get(10, TimeUnit.SECONDS);
  }

  /** Sends {@link #PINGS} PINGs, each after the answer to the one before. */
  private static void pingAndAwaitAnswers(RawConnection c) throws Exception {
    for (int i = 0; i < PINGS; i++) {
      c.ping().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClientPingingTooOftenDuringACallIsToldToCalmDownAndDisconnected() throws Exception {
    Server server = server(); // grpc's defaults: a PING in 5 minutes while calls are open
    RawConnection eager = connect(server);
    RawConnection.Call call = eager.open(CHAT);
    for (int i = 0; i < PINGS && !eager.goAway.isDone(); i++) {
      eager.ping();
    }
    assertTooManyPings(eager);
    assertTrue(call.ended.get(10, TimeUnit.SECONDS) != -1, "the call did not end with the connection");

    try (Channel other = Channel.open("127.0.0.1:" + server.port())) {
      assertEquals("echo:after", other.call(Fixtures.UNARY, "after"), "the server serves other connections");
    }
  }

  @Test
  void withoutCallsEveryPingIsAStrikeUnlessPermitted() throws Exception {
    Server strict = server(JettyTransportOptions.PERMIT_KEEPALIVE_TIME, "0");
    RawConnection idlePinger = connect(strict);
    for (int i = 0; i < PINGS && !idlePinger.goAway.isDone(); i++) {
      idlePinger.ping();
    }
    assertTooManyPings(idlePinger);

    Server lenient = server(JettyTransportOptions.PERMIT_KEEPALIVE_TIME, "0",
        JettyTransportOptions.PERMIT_KEEPALIVE_WITHOUT_CALLS, "true");
    RawConnection permitted = connect(lenient);
    pingAndAwaitAnswers(permitted);
    assertOpenAndServing(permitted);
  }

  @Test
  void pingsAtThePermittedRateAreAnswered() throws Exception {
    Server server = server(JettyTransportOptions.PERMIT_KEEPALIVE_TIME, "100");
    RawConnection pinger = connect(server);
    RawConnection.Call call = pinger.open(CHAT);
    for (int i = 0; i < 5; i++) {
      // Pacing, not waiting for something: three times the permitted interval between PINGs (a
      // loaded machine only stretches it), the first measured from the connection's start.
      Thread.sleep(300);
      pinger.ping().get(10, TimeUnit.SECONDS);
    }
    call.send("still here");
    awaitBody(pinger, call, 5 + "re:still here".length());
    assertOpenAndServing(pinger);
  }

  @Test
  void pingsAnsweringTheServersDataAreForgiven() throws Exception {
    Server server = server(); // a PING in 5 minutes: every PING below would be a strike on its own
    RawConnection pinger = connect(server);
    RawConnection.Call call = pinger.open(CHAT);
    int expected = 0;
    for (int i = 0; i < PINGS; i++) {
      call.send("m" + i);
      expected += 5 + ("re:m" + i).length();
      awaitBody(pinger, call, expected); // the server sent DATA (and before the first, HEADERS)
      pinger.ping().get(10, TimeUnit.SECONDS);
    }
    assertOpenAndServing(pinger);
  }

  /** Waits until {@code call} has received {@code bytes} of response body, failing at once on GOAWAY. */
  private static void awaitBody(RawConnection c, RawConnection.Call call, int bytes) throws InterruptedException {
    rpc.testkit.Waits.until(bytes + " response bytes or GOAWAY", () -> call.bodyBytes.get() >= bytes || c.goAway.isDone(),
        Duration.ofSeconds(10));
    assertFalse(c.goAway.isDone(), () -> "GOAWAY " + c.goAway.getNow(null) + " after " + call.bodyBytes + " bytes");
  }

  /** No GOAWAY came, and a call on the connection still gets its answer. */
  private static void assertOpenAndServing(RawConnection c) throws Exception {
    assertFalse(c.goAway.isDone(), () -> "GOAWAY " + c.goAway.getNow(null));
    RawConnection.Call probe = c.open(CHAT);
    probe.send("probe");
    awaitBody(c, probe, 5 + "re:probe".length());
    probe.halfClose();
    assertEquals(-1, probe.ended.get(10, TimeUnit.SECONDS), "the probe call ended normally");
    assertFalse(c.goAway.isDone(), () -> "GOAWAY " + c.goAway.getNow(null));
  }
}
