package rpc.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.services.health.v1.HealthCheckRequest;
import rpc.services.health.v1.HealthCheckResponse;
import rpc.services.health.v1.HealthCheckResponse.ServingStatus;
import rpc.services.health.v1.HealthRpc;
import rpc.services.testing.greet.GreeterRpc;

/** The health service through rpc's own generated client; subclasses pick the transport. */
@Timeout(30)
abstract class AbstractHealthTest {
  private static final String GREETER = GreeterRpc.SERVICE_NAME;

  private final RecordingInterceptor calls = new RecordingInterceptor();
  private HealthService health;
  private Server server;
  private Channel channel;
  private HealthRpc.Client client;

  /** The transport under test. */
  abstract ServicesTransport transport();

  @BeforeEach
  void start() throws Exception {
    ServicesTransport transport = transport();
    health = HealthService.create();
    server = Fixtures.start(transport.listenAddress(), health, ReflectionService.create(), calls);
    channel = Channel.open(transport.target(server));
    client = HealthRpc.newClient(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  private static HealthCheckRequest ask(String service) {
    return HealthCheckRequest.newBuilder().setService(service).build();
  }

  private ServingStatus check(String service) {
    return client.withTimeout(Duration.ofSeconds(10)).check(ask(service)).getStatus();
  }

  private static ServingStatus next(ClientStream<HealthCheckRequest, HealthCheckResponse> watch) {
    HealthCheckResponse r = watch.receive();
    return r == null ? null : r.getStatus();
  }

  @Test
  void theWholeServerIsServingFromTheStart() {
    assertEquals(ServingStatus.SERVING, check(""));
    assertEquals(ServingStatus.SERVING, health.status(""));
  }

  @Test
  void checkOfAServiceWithoutStatusIsNotFound() {
    StatusException e = assertThrows(StatusException.class, () -> check(GREETER));
    assertEquals(Status.Code.NOT_FOUND, e.status().code());
    assertTrue(e.status().description().contains(GREETER), e.status().description());
    assertNull(health.status(GREETER));
  }

  @Test
  void checkSeesSetAndClearedStatuses() {
    health.setStatus(GREETER, ServingStatus.SERVING);
    assertEquals(ServingStatus.SERVING, check(GREETER));
    health.setStatus(GREETER, ServingStatus.NOT_SERVING);
    assertEquals(ServingStatus.NOT_SERVING, check(GREETER));
    health.setStatus("", ServingStatus.NOT_SERVING);
    assertEquals(ServingStatus.NOT_SERVING, check(""));
    health.clearStatus(GREETER);
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusException.class, () -> check(GREETER)).status().code());
  }

  @Test
  void watchSendsTheCurrentStatusThenEveryChange() {
    try (ClientStream<HealthCheckRequest, HealthCheckResponse> watch = client.watch(ask(GREETER))) {
      assertEquals(ServingStatus.SERVICE_UNKNOWN, next(watch)); // unknown, and the call stays open
      health.setStatus(GREETER, ServingStatus.SERVING);
      assertEquals(ServingStatus.SERVING, next(watch));
      health.setStatus(GREETER, ServingStatus.SERVING); // no change: nothing is sent
      health.setStatus(GREETER, ServingStatus.NOT_SERVING);
      assertEquals(ServingStatus.NOT_SERVING, next(watch));
      health.clearStatus(GREETER);
      assertEquals(ServingStatus.SERVICE_UNKNOWN, next(watch));
      health.setStatus(GREETER, ServingStatus.SERVING);
      assertEquals(ServingStatus.SERVING, next(watch));
      assertNull(watch.status(), "the watch is still open");
    }
  }

  @Test
  void manyWatchersOfOneServiceAllSeeTheChange() {
    health.setStatus(GREETER, ServingStatus.SERVING);
    @SuppressWarnings("unchecked")
    ClientStream<HealthCheckRequest, HealthCheckResponse>[] watches = new ClientStream[5];
    try {
      for (int i = 0; i < watches.length; i++) {
        watches[i] = client.watch(ask(GREETER));
        assertEquals(ServingStatus.SERVING, next(watches[i]));
      }
      health.setStatus(GREETER, ServingStatus.NOT_SERVING);
      for (ClientStream<HealthCheckRequest, HealthCheckResponse> w : watches) {
        assertEquals(ServingStatus.NOT_SERVING, next(w));
      }
    } finally {
      for (ClientStream<HealthCheckRequest, HealthCheckResponse> w : watches) {
        if (w != null) {
          w.close();
        }
      }
    }
  }

  @Test
  void gracefulShutdownTurnsEveryServiceNotServingAndKeepsWatchesOpenUntilTheClientGoes() throws Exception {
    health.setStatus(GREETER, ServingStatus.SERVING);
    ClientStream<HealthCheckRequest, HealthCheckResponse> watch = client.watch(ask(""));
    assertEquals(ServingStatus.SERVING, next(watch));

    server.shutdown();
    assertEquals(ServingStatus.NOT_SERVING, next(watch));
    assertEquals(ServingStatus.NOT_SERVING, health.status(""));
    assertEquals(ServingStatus.NOT_SERVING, health.status(GREETER));
    health.setStatus(GREETER, ServingStatus.SERVING); // ignored once shutdown has begun
    assertEquals(ServingStatus.NOT_SERVING, health.status(GREETER));

    // The open watch is a call in flight: a graceful shutdown drains it rather than cutting it off.
    assertFalse(calls.awaitIdle(Duration.ofMillis(300)));
    assertEquals(1, calls.active());
    assertNull(watch.status());
    watch.cancel();
    assertTrue(calls.awaitIdle(Duration.ofSeconds(10)), "the watch ended when its client went");
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)), "and the server finished draining");
  }

  @Test
  void shutdownNowEndsOpenWatches() throws Exception {
    ClientStream<HealthCheckRequest, HealthCheckResponse> watch = client.watch(ask(""));
    assertEquals(ServingStatus.SERVING, next(watch));
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
    assertEquals(0, calls.active());
    // Depending on the transport the client sees NOT_SERVING first or the call ends at once; either
    // way the call ends with an error status, not with a hang.
    StatusException e = assertThrows(StatusException.class, () -> {
      while (watch.receive() != null) {
        // drain a NOT_SERVING that may have been sent before the cancellation
      }
    });
    assertFalse(e.status().isOk());
  }

  @Test
  void aWatchTheClientCancelsEndsOnTheServer() throws Exception {
    ClientStream<HealthCheckRequest, HealthCheckResponse> watch = client.watch(ask(GREETER));
    assertEquals(ServingStatus.SERVICE_UNKNOWN, next(watch));
    assertEquals(1, calls.active());
    watch.cancel();
    assertTrue(calls.awaitIdle(Duration.ofSeconds(10)), "no watch handler left running");
    server.shutdown();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }
}
