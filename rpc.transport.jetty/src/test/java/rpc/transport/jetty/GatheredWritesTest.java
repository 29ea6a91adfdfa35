package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * The server gathers the responses of calls that finish together on one connection into shared
 * writes: every response must still arrive, whole and to its own call, whether its handler finished
 * with the crowd or alone, succeeded or failed, and while calls of the same connection are cancelled.
 */
@Timeout(60)
class GatheredWritesTest {

  @Test
  void responsesFinishedTogetherEachReachTheirCall() throws Exception {
    int calls = 300;
    CountDownLatch arrived = new CountDownLatch(calls);
    CountDownLatch release = new CountDownLatch(1);
    ServiceDefinition service = ServiceDefinition.newBuilder(Fixtures.SERVICE)
        .unary(Fixtures.UNARY, (req, ctx) -> {
          arrived.countDown();
          release.await(); // every handler answers at the same moment
          if (req.endsWith("7")) {
            throw Status.FAILED_PRECONDITION.withDescription("no " + req).asException();
          }
          return "echo:" + req;
        })
        .build();
    Server server = Server.newBuilder().listen("127.0.0.1:0").addService(service).build().start();
    try (Channel channel = Channel.open("127.0.0.1:" + server.port())) {
      for (int round = 0; round < 3; round++) {
        List<CompletableFuture<String>> futures = new ArrayList<>();
        CountDownLatch roundArrived = round == 0 ? arrived : null;
        for (int i = 0; i < calls; i++) {
          futures.add(channel.callAsync(Fixtures.UNARY, round + "-" + i,
              CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30))));
        }
        if (roundArrived != null) {
          assertTrue(roundArrived.await(30, TimeUnit.SECONDS), "every call reached its handler");
          release.countDown();
        }
        // Cancel a few while the rest answer: their slots go, nobody else's response does.
        for (int i = 0; i < calls; i += 50) {
          futures.get(i).cancel(true);
        }
        AtomicInteger ok = new AtomicInteger();
        for (int i = 0; i < calls; i++) {
          String request = round + "-" + i;
          CompletableFuture<String> f = futures.get(i);
          if (i % 50 == 0) {
            continue;
          }
          try {
            assertEquals("echo:" + request, f.get(30, TimeUnit.SECONDS));
            ok.incrementAndGet();
          } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(request.endsWith("7"), request + " failed: " + e.getCause());
            assertEquals(Status.Code.FAILED_PRECONDITION, ((StatusException) e.getCause()).status().code());
          }
        }
        assertTrue(ok.get() > calls / 2, "round " + round + ": " + ok.get() + " answers");
      }
      // Alone on the connection: written at once, as before.
      assertEquals("echo:alone", channel.call(Fixtures.UNARY, "alone"));
    } finally {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
  }
}
