package rpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rpc.api.Channel;
import rpc.api.Server;

/**
 * Our client against our server over {@code inprocess:}. Every case applies, in full: nothing is
 * compressed in process, but each end is told whether the other asked for compression, so the
 * compressed cases (and their probes) run as over HTTP/2.
 */
@Timeout(60)
class InProcessInteropTest {
  private static Server server;
  private static Channel channel;

  @BeforeAll
  static void start() throws Exception {
    String target = "inprocess:interop-" + System.nanoTime();
    server = Server.newBuilder().listen(target)
        .addService(InteropServer.service()).intercept(InteropServer.interceptor())
        .build().start();
    channel = Channel.open(target);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  @ParameterizedTest
  @EnumSource(TestCase.class)
  void passes(TestCase testCase) {
    List<InteropClient.Result> results = InteropClient.runCases(channel, List.of(testCase));
    assertEquals(1, results.size());
    assertTrue(results.getFirst().passed(), results.getFirst().line());
    assertEquals(List.of(), results.getFirst().notes(), "no case passes in a reduced form");
  }
}
