package rpc.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.Codec;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.services.health.v1.HealthCheckResponse.ServingStatus;

/**
 * gRFC A17 client-side health checking with the health service of this module on real servers: a
 * channel whose service config has {@code healthCheckConfig} sends no calls to a server that
 * reports NOT_SERVING, and sends them again once it reports SERVING; a server without a health
 * service is taken as healthy.
 */
@Timeout(120)
class ClientHealthCheckingTest {
  private static final Codec<String> UTF8 = rpc.testkit.StringCodec.INSTANCE;

  private static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.of("test.Who/Name", MethodDescriptor.Kind.UNARY, UTF8, UTF8);
  private static final Map<String, ?> CONFIG = Map.of(
      "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
      "healthCheckConfig", Map.of("serviceName", "test.Who"));

  private final List<Server> servers = new ArrayList<>();
  private Channel channel;

  @AfterEach
  void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
    }
    for (Server s : servers) {
      s.shutdownNow();
      s.awaitTermination(Duration.ofSeconds(10));
    }
  }

  private Server server(String name, HealthService health) throws Exception {
    Server.Builder b = Server.newBuilder().listen("127.0.0.1", 0)
        .addService(ServiceDefinition.newBuilder("test.Who").unary(WHO, (req, ctx) -> name).build());
    if (health != null) {
      b.addService(health.definition());
    }
    Server s = b.build().start();
    servers.add(s);
    if (health != null) {
      health.attach(s);
    }
    return s;
  }

  private String who() {
    return channel.call(WHO, "?", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
  }

  /** Waits until {@code n} calls in a row go only to {@code expected} servers (bounded). */
  private void untilOnly(List<String> expected, int n, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    List<String> last = List.of();
    while (System.nanoTime() < end) {
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        seen.add(who());
      }
      if (expected.containsAll(seen) && seen.containsAll(expected)) {
        return;
      }
      last = seen;
    }
    throw new AssertionError("calls did not settle on " + expected + " within " + max + "; last: " + last);
  }

  @Test
  void aServerReportingNotServingGetsNoCallsUntilItServesAgain() throws Exception {
    HealthService healthA = HealthService.create();
    HealthService healthB = HealthService.create();
    healthA.setStatus("test.Who", ServingStatus.SERVING);
    healthB.setStatus("test.Who", ServingStatus.SERVING);
    Server a = server("a", healthA);
    Server b = server("b", healthB);
    channel = Channel.newBuilder("ipv4:127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port())
        .defaultServiceConfig(CONFIG).build();
    untilOnly(List.of("a", "b"), 20, Duration.ofSeconds(30));

    // The Watch stream pushes the change at once (38 ms here on a quiet machine); the bound is
    // loose so that a loaded machine passes too.
    healthB.setStatus("test.Who", ServingStatus.NOT_SERVING);
    untilOnly(List.of("a"), 20, Duration.ofSeconds(10));
    for (int i = 0; i < 100; i++) {
      assertEquals("a", who());
    }

    healthB.setStatus("test.Who", ServingStatus.SERVING);
    untilOnly(List.of("a", "b"), 20, Duration.ofSeconds(10));
  }

  @Test
  void everyServerNotServingFailsFastCallsAndAServerWithoutHealthServiceIsHealthy() throws Exception {
    HealthService health = HealthService.create();
    health.setStatus("test.Who", ServingStatus.NOT_SERVING);
    Server sick = server("sick", health);
    channel = Channel.newBuilder("127.0.0.1:" + sick.port()).defaultServiceConfig(CONFIG).build();
    rpc.api.StatusException e = org.junit.jupiter.api.Assertions.assertThrows(rpc.api.StatusException.class, () -> {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < end) {
        who(); // calls wait while the first health answer is pending; then they fail fast
      }
    });
    assertEquals(rpc.api.Status.Code.UNAVAILABLE, e.status().code());
    assertTrue(e.status().description().contains("NOT_SERVING"), e.toString());
    channel.shutdownNow();

    Server plain = server("plain", null);
    channel = Channel.newBuilder("127.0.0.1:" + plain.port()).defaultServiceConfig(CONFIG).build();
    assertEquals("plain", who(), "UNIMPLEMENTED Watch: the server counts as healthy");
  }
}
