package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * A channel whose keepalive is shorter than the server permits is told so (GOAWAY
 * {@code too_many_pings}) and doubles its keepalive time for the next connection, as grpc clients
 * do, until its pings are welcome and its streams stay open.
 */
@Timeout(90)
class KeepAliveBackoffTest {

  @Test
  void aClientToldItPingsTooOftenPingsHalfAsOftenUntilItsStreamsSurvive() throws Exception {
    Server server = Server.newBuilder().listen("127.0.0.1:0").addService(Fixtures.echoService())
        .option(JettyTransportOptions.PERMIT_KEEPALIVE_TIME, "500").build().start();
    try (Channel channel = Channel.newBuilder("127.0.0.1:" + server.port()).keepAliveTime(Duration.ofMillis(100))
        .build()) {
      int killed = 0;
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      boolean survived = false;
      while (!survived && System.nanoTime() < end && killed < 20) {
        ClientStream<String, String> stream = channel.newStream(Fixtures.BIDI);
        try {
          stream.send("hello");
          assertEquals("re:hello", stream.receive());
        } catch (StatusException raced) {
          // Opened on the connection the server was closing at that moment: try again.
          assertEquals(Status.Code.UNAVAILABLE, raced.status().code(), raced.toString());
          continue;
        }
        // The stream then sits quiet, with only the client's keepalive PINGs on the connection.
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
          try {
            stream.receive();
            ended.set(new AssertionError("the stream ended"));
          } catch (Throwable t) {
            ended.set(t);
          }
        });
        try {
          rpc.testkit.Waits.holds("the quiet stream stays open", () -> ended.get() == null, Duration.ofSeconds(2));
          survived = true;
        } catch (AssertionError e) {
          Throwable why = ended.get();
          assertTrue(why instanceof StatusException se && se.status().code() == Status.Code.RESOURCE_EXHAUSTED
              && String.valueOf(se.status().description()).contains("ENHANCE_YOUR_CALM"), String.valueOf(why));
          killed++;
        }
        stream.cancel();
        reader.join(10_000);
      }
      assertTrue(killed >= 1, "the server never objected to pings every 100 ms against a 500 ms permit");
      assertTrue(survived, "after " + killed + " connections closed for too_many_pings the client still pinged too"
          + " often");
    } finally {
      server.shutdownNow();
    }
  }
}
