package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * When a call ends, every thread waiting on its stream — in {@code send}, {@code receive} or
 * {@code headers}, on either side, including threads that outlive their handler — returns or
 * throws {@link StatusException} promptly; an interrupted wait is {@code CANCELLED}.
 */
abstract class WaitersConformance extends AbstractTransportTest {
  private static final Duration PARKED = Duration.ofMillis(100);

  WaitersConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void receiverLeftBehindByItsHandlerWakesWhenTheCallEnds() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.LEAK_RECEIVER)) {
      // The client never half-closes: the handler returns while its second thread still waits.
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
      Observation seen = service.nextObservation(WAIT);
      assertEquals("receive threw CANCELLED", seen.detail(), "the receiver left behind");
    }
  }

  @Test
  void senderLeftBehindByItsHandlerWakesWhenTheCallEnds() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.LEAK_SENDER)) {
      stream.send("go");
      // Read nothing until the left-behind sender has reported: flow control keeps it blocked.
      Observation seen = service.nextObservation(WAIT);
      assertEquals("send threw CANCELLED", seen.detail(), "the sender left behind");
      while (stream.receive() != null) {
        // what it sent before the end still arrives
      }
      assertEquals(Status.Code.OK, stream.status().code());
    }
  }

  @Test
  void interruptedHandlerThreadGetsCancelled() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.INTERRUPT_RECEIVER)) {
      Observation seen = service.nextObservation(WAIT);
      assertEquals("receive threw CANCELLED", seen.detail(), "a server receive that is interrupted");
      assertTrue(seen.cancelled(), "the interrupt cancels the call");
      StatusException e = assertInstanceOf(StatusException.class, outcome(stream::receive));
      assertEquals(Status.Code.CANCELLED, e.status().code(), () -> "the client saw " + e.status());
    }
  }

  @Test
  void interruptedClientReceiverGetsCancelled() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<String, String> stream = channel.newStream(FakeService.WAIT_STREAM);
    assertTrue(service.awaitStarted(1, WAIT));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread receiver = Thread.ofPlatform().name("client-receiver").start(() -> outcome.complete(outcome(stream::receive)));
    assertTrue(Waits.awaitParked(() -> receiver, PARKED, WAIT), "the receiver never waited");
    receiver.interrupt();
    StatusException e = assertInstanceOf(StatusException.class, outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals(Status.Code.CANCELLED, e.status().code());
    assertEquals(Status.Code.CANCELLED, stream.status().code(), "the interrupt cancels the call");
    Observation seen = service.nextObservation(WAIT);
    assertTrue(seen.cancelled(), () -> "the handler did not see the cancel: " + seen);
  }

  @Test
  void everyClientWaiterWakesWhenTheCallIsCancelled() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<byte[], String> stream = channel.newStream(FakeService.ABSORB);
    List<CompletableFuture<Object>> outcomes = new ArrayList<>();
    List<Thread> waiters = new ArrayList<>();
    // ABSORB reads nothing and sends nothing: a sender blocks on flow control, a receiver and a
    // headers() caller wait for a response that is not coming.
    waiters.add(waiter("sender", outcomes, () -> {
      for (int i = 0; i < 10_000; i++) {
        stream.send(FakeService.payload(i, 64 * 1024));
      }
      return "send never blocked";
    }));
    waiters.add(waiter("receiver", outcomes, stream::receive));
    waiters.add(waiter("headers", outcomes, stream::headers));
    for (Thread w : waiters) {
      assertTrue(Waits.awaitParked(() -> w, PARKED, WAIT), () -> w.getName() + " never waited");
    }
    stream.cancel();
    for (int i = 0; i < outcomes.size(); i++) {
      Object o = outcomes.get(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      String who = waiters.get(i).getName();
      if (who.equals("headers") && o instanceof rpc.api.Metadata m) {
        assertTrue(m.isEmpty(), () -> "headers of a call that never sent any: " + m);
        continue; // documented: a call that ended without headers has empty ones
      }
      StatusException e = assertInstanceOf(StatusException.class, o, () -> who + " ended with " + o);
      assertEquals(Status.Code.CANCELLED, e.status().code(), who);
    }
  }

  private static Thread waiter(String name, List<CompletableFuture<Object>> outcomes,
      java.util.concurrent.Callable<Object> wait) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    outcomes.add(outcome);
    return Thread.ofPlatform().name(name).start(() -> outcome.complete(outcome(wait)));
  }

  /** What {@code wait} returned, or what it threw. */
  private static Object outcome(java.util.concurrent.Callable<Object> wait) {
    try {
      Object o = wait.call();
      assertNotNull(o == null ? "null" : o);
      return o == null ? "null" : o;
    } catch (Throwable t) {
      return t;
    }
  }
}
