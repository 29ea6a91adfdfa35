package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientInterceptor;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.ClientStream;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ClientCall;

/**
 * Graceful and immediate shutdown of servers and channels with calls in flight: graceful lets
 * them finish and refuses new ones with {@code UNAVAILABLE}; immediate ends them.
 */
abstract class LifecycleConformance extends AbstractTransportTest {
  private static final int IN_FLIGHT = 3;
  private static final Duration BRIEFLY = Duration.ofMillis(200);

  LifecycleConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void anUnknownOptionKeyFailsTheBuildAndNamesItself() throws Exception {
    Server server = startServer(service.definition());
    IllegalArgumentException onChannel = assertThrows(IllegalArgumentException.class,
        () -> openChannel(server, b -> b.option("no.such.option", "1")));
    assertTrue(onChannel.getMessage().contains("no.such.option"), onChannel.getMessage());
    IllegalArgumentException onServer = assertThrows(IllegalArgumentException.class,
        () -> startServer(b -> b.option("no.such.option", "1"), service.definition()));
    assertTrue(onServer.getMessage().contains("no.such.option"), onServer.getMessage());
    Channel channel = openChannel(server);
    assertEquals("still", channel.call(FakeService.ECHO, "still"), "the refusals left the server serving");
  }

  @Test
  void theChannelReportsItsStateFromBeforeTheFirstCallToShutdown() throws Exception {
    Server server = startServer(service.definition());
    Channel channel = openChannel(server);
    rpc.api.ConnectivityState first = channel.state(false);
    assertTrue(first == rpc.api.ConnectivityState.IDLE || first == rpc.api.ConnectivityState.READY,
        "before any call a channel is IDLE (or READY, with no connection to make): " + first);
    assertEquals("ready?", channel.call(FakeService.ECHO, "ready?"));
    assertEquals(rpc.api.ConnectivityState.READY, channel.state(false), "a call went through");
    java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
    channel.notifyWhenStateChanged(rpc.api.ConnectivityState.READY, told::countDown);
    channel.close();
    assertTrue(told.await(10, TimeUnit.SECONDS), "the watcher heard of the close");
    assertEquals(rpc.api.ConnectivityState.SHUTDOWN, channel.state(true));
    assertEquals(rpc.api.ConnectivityState.SHUTDOWN,
        channel.awaitStateChange(rpc.api.ConnectivityState.IDLE, Duration.ofSeconds(10)), "no wait: it differs already");
  }

  @Test
  void serverShutdownLetsCallsInFlightFinish() throws Exception {
    Server server = startServer(service.definition());
    Channel channel = openChannel(server);
    List<CompletableFuture<String>> calls = startWaitingCalls(channel);
    ClientStream<String, String> stream = channel.newStream(FakeService.BIDI_ECHO);
    stream.send("before");
    assertEquals("before", stream.receive());

    server.shutdown();
    assertTrue(server.isShutdown());
    assertStatus(Status.Code.UNAVAILABLE, () -> channel.call(FakeService.ECHO, "too late"));
    assertFalse(server.awaitTermination(BRIEFLY), "terminated with calls in flight");

    stream.send("during shutdown");
    assertEquals("during shutdown", stream.receive(), "a stream in flight keeps working");
    stream.halfClose();
    assertNull(stream.receive());
    service.release();
    for (int i = 0; i < IN_FLIGHT; i++) {
      assertEquals("released:call-" + i, calls.get(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
    assertTrue(server.awaitTermination(WAIT), "did not terminate once its calls finished");
    assertTrue(server.isTerminated());
  }

  @Test
  void channelCloseLetsCallsInFlightFinish() throws Exception {
    Server server = startServer(service.definition());
    Channel channel = openChannel(server);
    List<CompletableFuture<String>> calls = startWaitingCalls(channel);
    ClientStream<String, String> stream = channel.newStream(FakeService.BIDI_ECHO);
    stream.send("before");
    assertEquals("before", stream.receive());

    channel.close();
    assertTrue(channel.isShutdown());
    assertStatus(Status.Code.UNAVAILABLE, () -> channel.call(FakeService.ECHO, "too late"));
    try (ClientStream<String, String> late = channel.newStream(FakeService.BIDI_ECHO)) {
      assertStatus(Status.Code.UNAVAILABLE, late::receive);
    }
    assertFalse(channel.awaitTermination(BRIEFLY), "terminated with calls in flight");

    stream.send("during close");
    assertEquals("during close", stream.receive(), "a stream in flight keeps working");
    stream.halfClose();
    assertNull(stream.receive());
    service.release();
    for (int i = 0; i < IN_FLIGHT; i++) {
      assertEquals("released:call-" + i, calls.get(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
    assertTrue(channel.awaitTermination(WAIT), "did not terminate once its calls finished");
    assertEquals("other channel", openChannel(server).call(FakeService.ECHO, "other channel"),
        "closing a channel leaves the server serving");
  }

  @Test
  void serverShutdownNowEndsCallsInFlight() throws Exception {
    Server server = startServer(service.definition());
    Channel channel = openChannel(server);
    CompletableFuture<String> call = channel.callAsync(FakeService.WAIT, "doomed");
    assertTrue(service.awaitStarted(1, WAIT));
    server.shutdownNow();
    assertEquals(Status.Code.UNAVAILABLE, failureOf(call).status().code());
    assertTrue(service.nextObservation(WAIT).cancelled(), "the handler was not told");
    assertTrue(server.awaitTermination(WAIT));
  }

  @Test
  void channelShutdownNowEndsCallsInFlight() throws Exception {
    Server server = startServer(service.definition());
    Channel channel = openChannel(server);
    CompletableFuture<String> call = channel.callAsync(FakeService.WAIT, "doomed");
    assertTrue(service.awaitStarted(1, WAIT));
    channel.shutdownNow();
    assertEquals(Status.Code.UNAVAILABLE, failureOf(call).status().code());
    assertTrue(service.nextObservation(WAIT).cancelled(), "the handler was not told");
    assertTrue(channel.awaitTermination(WAIT));
  }

  @Test
  void callsAnInterceptorFailsOrCancelsLeaveNothingBehind() throws Exception {
    Server server = startServer(service.definition());
    AtomicInteger refused = new AtomicInteger();
    // Fails every call before it reaches the transport, either way an interceptor can.
    ClientInterceptor gate = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        refused.incrementAndGet();
        if (call.method().fullName().endsWith("Echo")) {
          throw Status.FAILED_PRECONDITION.withDescription("refused by the interceptor").asException();
        }
        call.cancel(Status.PERMISSION_DENIED.withDescription("cancelled by the interceptor"));
        return null;
      }
    };
    Channel channel = openChannel(server, b -> b.intercept(gate));
    assertStatus(Status.Code.FAILED_PRECONDITION, () -> channel.call(FakeService.ECHO, "x"));
    assertEquals(Status.Code.PERMISSION_DENIED, failureOf(channel.callAsync(FakeService.WAIT, "y")).status().code());
    assertEquals(2, refused.get());
    assertEquals(0, service.handlerCalls(), "a refused call reached the server");
    channel.close();
    assertTrue(channel.awaitTermination(WAIT), "a refused call held the channel open");
  }

  private List<CompletableFuture<String>> startWaitingCalls(Channel channel) throws InterruptedException {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      calls.add(channel.callAsync(FakeService.WAIT, "call-" + i));
    }
    assertTrue(service.awaitStarted(IN_FLIGHT, WAIT), "the calls never reached their handlers");
    return calls;
  }

  private static StatusException failureOf(CompletableFuture<String> call) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    return assertInstanceOf(StatusException.class, e.getCause());
  }
}
