package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * A call's responses read as a {@link java.util.stream.Stream} ({@link ClientStream#responses()}):
 * in order and to the end, a failed call's status thrown from the terminal operation, closing the
 * stream early cancels the call at the server, nothing is received beyond what the pipeline asks for,
 * and a second receiver meanwhile is refused.
 */
abstract class ResponsesConformance extends AbstractTransportTest {
  private static final Duration QUIET = Duration.ofMillis(100);

  ResponsesConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void responsesArriveInOrderAndTheStreamEnds() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<String, byte[]> call = channel.newStream(FakeService.GENERATE);
    call.sendAndClose("50 100");
    List<byte[]> received;
    try (Stream<byte[]> responses = call.responses()) {
      received = responses.toList();
    }
    assertEquals(50, received.size());
    for (int i = 0; i < received.size(); i++) {
      assertTrue(FakeService.isPayload(i, received.get(i)), "response " + i + " out of order or corrupted");
    }
    assertEquals(Status.Code.OK, call.status().code(), "closing the stream after the end cancels nothing");
  }

  @Test
  void failedCallThrowsItsStatusFromTheTerminalOperation() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<String, String> call = channel.newStream(FakeService.FAIL_AFTER_MESSAGES);
    call.sendAndClose("NOT_FOUND:gone");
    List<String> received = new ArrayList<>();
    try (Stream<String> responses = call.responses()) {
      StatusException e = assertStatus(Status.Code.NOT_FOUND, () -> responses.forEach(received::add));
      assertEquals("gone", e.status().description());
      assertEquals("NOT_FOUND", e.trailers().get("x-failed-code"));
    }
    assertEquals(List.of("one", "two"), received, "the responses before the failure are passed on first");
  }

  @Test
  void closingTheStreamEarlyCancelsTheCall() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<String, byte[]> call = channel.newStream(FakeService.ENDLESS);
    call.sendAndClose("16384");
    try (Stream<byte[]> responses = call.responses()) {
      byte[] first = responses.findFirst().orElseThrow();
      assertTrue(FakeService.isPayload(0, first));
      // The server has more to send: wait until flow control holds it back, mid-call.
      Waits.awaitStalled(service::sent, service::senderThread, QUIET, WAIT);
      assertNull(call.status(), "the call ended before the stream was closed");
    }
    Status status = call.status();
    assertNotNull(status, "closing the stream did not end the call");
    assertEquals(Status.Code.CANCELLED, status.code(), "closing the stream did not cancel the call");
    Observation seen = service.nextObservation(WAIT);
    assertEquals("send threw CANCELLED", seen.detail(), "how the server's send ended");
    assertTrue(seen.cancelled(), () -> "the handler did not see the cancel: " + seen);
  }

  @Test
  void iteratorReceivesEachResponseAndEnds() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<String, byte[]> call = channel.newStream(FakeService.GENERATE);
    call.sendAndClose("5 10");
    try (Stream<byte[]> responses = call.responses()) {
      Iterator<byte[]> it = responses.iterator();
      for (int i = 0; i < 5; i++) {
        assertTrue(it.hasNext(), "response " + i);
        assertTrue(FakeService.isPayload(i, it.next()), "response " + i);
      }
      assertFalse(it.hasNext());
      assertThrows(NoSuchElementException.class, it::next);
    }
    assertEquals(Status.Code.OK, call.status().code());
  }

  @Test
  void shortCircuitingTakesOnlyWhatItNeedsAndTheNextStreamGoesOn() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<String, byte[]> call = channel.newStream(FakeService.GENERATE);
    call.sendAndClose("6 10");
    // Left unclosed on purpose: closing a stream before the end would cancel the call.
    List<byte[]> firstTwo = call.responses().limit(2).toList();
    byte[] third = call.receive();
    List<byte[]> rest = call.responses().toList();
    assertEquals(2, firstTwo.size());
    assertTrue(FakeService.isPayload(0, firstTwo.get(0)) && FakeService.isPayload(1, firstTwo.get(1)));
    assertTrue(FakeService.isPayload(2, third), "limit(2) received a third response");
    assertEquals(3, rest.size());
    for (int i = 0; i < rest.size(); i++) {
      assertTrue(FakeService.isPayload(3 + i, rest.get(i)), "response " + (3 + i));
    }
    assertEquals(0, call.responses().count(), "a stream made after the end is empty");
    assertEquals(Status.Code.OK, call.status().code());
  }

  @Test
  void receiveOnAnotherThreadWhileTheTerminalOperationWaitsIsRefused() throws Exception {
    Channel channel = fakeChannel();
    // WAIT_STREAM sends nothing until it receives: the terminal operation below waits in receive.
    try (ClientStream<String, String> call = channel.newStream(FakeService.WAIT_STREAM)) {
      CompletableFuture<List<String>> all = new CompletableFuture<>();
      Thread reader = Thread.ofPlatform().name("responses-reader").start(() -> {
        try (Stream<String> responses = call.responses()) {
          all.complete(responses.toList());
        } catch (Throwable t) {
          all.completeExceptionally(t);
        }
      });
      assertTrue(Waits.awaitParked(() -> reader, QUIET, WAIT), "the terminal operation never waited");
      IllegalStateException e = assertThrows(IllegalStateException.class, call::receive);
      assertTrue(e.getMessage().contains(call.name()), () -> "the message does not name the stream: " + e);
      assertThrows(IllegalStateException.class, () -> call.responses().findFirst(),
          "a second stream's terminal operation is a second receiver too");
      call.send("a");
      call.sendAndClose("b");
      assertEquals(List.of("a", "b"), all.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      assertEquals(Status.Code.OK, call.status().code());
    }
  }
}
