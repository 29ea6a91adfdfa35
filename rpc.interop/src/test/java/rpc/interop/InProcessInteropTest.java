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
 * Our client against our server over {@code inprocess:}. Every case applies: compression is a
 * no-op in-process, so the compressed cases check what they can (sizes, and that the calls
 * succeed), and the probe of the client-compressed cases is answered, as by any server that cannot
 * see request compression.
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
  }
}
