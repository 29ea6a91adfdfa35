package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Deadline;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * Deadlines (expired before the call, expiring during it, propagated to the handler) and
 * cancellation both ways (client cancels, server cancels, a cancelled future cancels its call).
 */
abstract class DeadlineCancellationConformance extends AbstractTransportTest {
  /**
   * A deadline that expires while the call runs: long enough that the call reaches its handler first
   * even on a busy machine (the tests wait it out, so it is kept to a second).
   */
  private static final Duration SHORT = Duration.ofSeconds(1);

  DeadlineCancellationConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void expiredDeadlineFailsWithoutReachingTheHandler() throws Exception {
    Channel channel = fakeChannel();
    CallOptions expired = CallOptions.DEFAULT.withDeadline(Deadline.after(Duration.ofMillis(-1)));
    assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> channel.call(FakeService.ECHO, "late", expired));
    ExecutionException e = assertThrows(ExecutionException.class, () -> channel.callAsync(FakeService.ECHO, "late",
        expired).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, assertInstanceOf(StatusException.class, e.getCause()).status().code());
    try (ClientStream<String, String> stream = channel.newStream(FakeService.BIDI_ECHO, expired)) {
      assertStatus(Status.Code.DEADLINE_EXCEEDED, stream::receive);
    }
    assertEquals(0, service.handlerCalls(), "a call past its deadline reached a handler");
  }

  @Test
  void deadlineExpiringDuringUnaryCallCancelsTheHandler() throws Exception {
    Channel channel = fakeChannel();
    assertStatus(Status.Code.DEADLINE_EXCEEDED,
        () -> channel.call(FakeService.WAIT, "slow", CallOptions.DEFAULT.withTimeout(SHORT)));
    assertHandlerSawDeadline(service.nextObservation(WAIT));
  }

  @Test
  void deadlineExpiringDuringStreamCancelsTheHandler() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream =
        channel.newStream(FakeService.WAIT_STREAM, CallOptions.DEFAULT.withTimeout(SHORT))) {
      stream.send("one");
      assertEquals("one", stream.receive());
      assertStatus(Status.Code.DEADLINE_EXCEEDED, stream::receive);
      assertEquals(Status.Code.DEADLINE_EXCEEDED, stream.status().code());
    }
    assertHandlerSawDeadline(service.nextObservation(WAIT));
  }

  private static void assertHandlerSawDeadline(Observation seen) {
    assertTrue(seen.cancelled() || seen.interrupted(), () -> "handler never saw the call end: " + seen);
    if (seen.cancelled()) {
      // The server's own timer (DEADLINE_EXCEEDED) or the client's reset may come first. A reset
      // says only CANCEL: it reads as DEADLINE_EXCEEDED once the server's deadline has passed too,
      // but the server's clock starts when the request arrives, a little after the client's.
      Status.Code code = seen.cancellationStatus().code();
      assertTrue(code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED,
          () -> "cancellation status " + seen.cancellationStatus());
    }
  }

  @Test
  void theLongestDeadlineIsCarriedIntact() throws Exception {
    Channel channel = fakeChannel();
    // Its grpc-timeout once overflowed into a negative number the server refused as malformed.
    CallOptions forever = CallOptions.DEFAULT.withDeadline(Deadline.after(Long.MAX_VALUE, TimeUnit.NANOSECONDS));
    assertEquals("x", channel.call(FakeService.ECHO, "x", forever));
    long left = Long.parseLong(channel.call(FakeService.DEADLINE, "?", forever));
    assertTrue(left > TimeUnit.DAYS.toNanos(365), () -> "the handler's deadline is " + Duration.ofNanos(left) + " away");
  }

  @Test
  void deadlineReachesTheHandler() throws Exception {
    Channel channel = fakeChannel();
    long left = Long.parseLong(channel.call(FakeService.DEADLINE, "?", CallOptions.DEFAULT.withTimeout(
        Duration.ofSeconds(30))));
    assertTrue(left > Duration.ofSeconds(20).toNanos() && left <= Duration.ofSeconds(30).toNanos(),
        () -> "the handler's deadline is " + Duration.ofNanos(left) + " away; the client set 30s");
    assertEquals("none", channel.call(FakeService.DEADLINE, "?"), "no deadline set, none seen");
  }

  @Test
  void aTimeoutInKeptOptionsCountsFromEachCall() throws Exception {
    Duration timeout = Duration.ofSeconds(2);
    Server server = startServer(service.definition());
    Channel channel = openChannel(server, b -> b.defaultCallOptions(CallOptions.DEFAULT.withTimeout(timeout)));
    CallOptions kept = CallOptions.DEFAULT.withTimeout(timeout); // as a generated client keeps them
    long madeAt = System.nanoTime();
    assertEquals("x", channel.call(FakeService.ECHO, "x"));
    // Outlive the timeout: options that fixed their deadline when made would now fail every call.
    Waits.until("the timeout to pass once",
        () -> System.nanoTime() - madeAt > timeout.toNanos() + Duration.ofMillis(200).toNanos(), WAIT);
    for (CallOptions options : new CallOptions[] {channel.defaultCallOptions(), kept}) {
      long left = Long.parseLong(channel.call(FakeService.DEADLINE, "?", options));
      assertTrue(left > 0 && left <= timeout.toNanos(),
          () -> "the handler's deadline is " + Duration.ofNanos(left) + " away; each call has " + timeout);
      assertEquals("y", channel.call(FakeService.ECHO, "y", options));
      assertEquals("z", channel.callAsync(FakeService.ECHO, "z", options).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      try (ClientStream<String, String> stream = channel.newStream(FakeService.BIDI_ECHO, options)) {
        stream.send("s");
        assertEquals("s", stream.receive());
      }
    }
    assertEquals("x", channel.call(FakeService.ECHO, "x"), "the channel's default options still work");
  }

  @Test
  void aTimeoutStillEndsTheCallThatOutlivesIt() throws Exception {
    Channel channel = openChannel(startServer(service.definition()),
        b -> b.defaultCallOptions(CallOptions.DEFAULT.withTimeout(SHORT)));
    assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> channel.call(FakeService.WAIT, "slow"));
    assertHandlerSawDeadline(service.nextObservation(WAIT));
  }

  @Test
  void theEarlierOfDeadlineAndTimeoutWins() throws Exception {
    Channel channel = fakeChannel();
    CallOptions both = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30))
        .withDeadline(Deadline.after(Duration.ofHours(1)));
    long left = Long.parseLong(channel.call(FakeService.DEADLINE, "?", both));
    assertTrue(left > 0 && left <= Duration.ofSeconds(30).toNanos(), () -> "deadline " + Duration.ofNanos(left));
    CallOptions deadlineFirst = CallOptions.DEFAULT.withDeadline(Deadline.after(Duration.ofSeconds(30)))
        .withTimeout(Duration.ofHours(1));
    long left2 = Long.parseLong(channel.call(FakeService.DEADLINE, "?", deadlineFirst));
    assertTrue(left2 > 0 && left2 <= Duration.ofSeconds(30).toNanos(), () -> "deadline " + Duration.ofNanos(left2));
  }

  @Test
  void clientCancelReachesTheHandler() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<String, String> stream = channel.newStream(FakeService.WAIT_STREAM);
    assertTrue(service.awaitStarted(1, WAIT));
    stream.cancel();
    StatusException e = assertStatus(Status.Code.CANCELLED, stream::receive);
    assertNotNull(e.status());
    assertEquals(Status.Code.CANCELLED, stream.status().code());
    Observation seen = service.nextObservation(WAIT);
    assertTrue(seen.cancelled(), () -> "handler did not see the cancel: " + seen);
    assertEquals(Status.Code.CANCELLED, seen.cancellationStatus().code());
    assertEquals("pong", channel.call(FakeService.ECHO, "pong"), "the channel still works");
  }

  @Test
  void closingAStreamBeforeTheEndCancelsTheCall() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.WAIT_STREAM)) {
      stream.send("one");
      assertEquals("one", stream.receive());
    } // close() without reading to the end
    Observation seen = service.nextObservation(WAIT);
    assertTrue(seen.cancelled(), () -> "handler did not see the cancel: " + seen);
    assertEquals(Status.Code.CANCELLED, seen.cancellationStatus().code());
  }

  @Test
  void cancellingTheFutureCancelsTheCall() throws Exception {
    Channel channel = fakeChannel();
    CompletableFuture<String> future = channel.callAsync(FakeService.WAIT, "abandon me");
    assertTrue(service.awaitStarted(1, WAIT));
    assertTrue(future.cancel(true));
    assertThrows(CancellationException.class, future::join);
    Observation seen = service.nextObservation(WAIT);
    assertTrue(seen.cancelled(), () -> "handler did not see the cancel: " + seen);
    assertEquals(Status.Code.CANCELLED, seen.cancellationStatus().code());
  }

  @Test
  void interruptingABlockedCallerCancelsTheCall() throws Exception {
    Channel channel = fakeChannel();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread caller = Thread.ofPlatform().name("interrupted-caller").start(() -> {
      try {
        outcome.complete(new AssertionError("returned " + channel.call(FakeService.WAIT, "interrupt me")));
      } catch (Throwable t) {
        outcome.complete(t);
      }
    });
    assertTrue(service.awaitStarted(1, WAIT));
    caller.interrupt();
    Throwable t = outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(Status.Code.CANCELLED, assertInstanceOf(StatusException.class, t).status().code());
    Observation seen = service.nextObservation(WAIT);
    assertTrue(seen.cancelled(), () -> "handler did not see the cancel: " + seen);
  }

  @Test
  void serverCancelReachesTheClient() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.SERVER_CANCEL)) {
      assertEquals("first", stream.receive());
      stream.send("go");
      assertStatus(Status.Code.CANCELLED, stream::receive);
      assertEquals(Status.Code.CANCELLED, stream.status().code());
    }
    Observation seen = service.nextObservation(WAIT);
    assertEquals("go; send after cancel threw CANCELLED", seen.detail());
    assertTrue(seen.cancelled());
  }

  @Test
  void handlerFailureEndsTheClientStream() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.FAIL_AFTER_MESSAGES)) {
      stream.sendAndClose("FAILED_PRECONDITION:not now");
      assertEquals("one", stream.receive());
      assertEquals("two", stream.receive());
      StatusException e = assertStatus(Status.Code.FAILED_PRECONDITION, stream::receive);
      assertEquals("not now", e.status().description());
      assertEquals(Status.Code.FAILED_PRECONDITION, stream.status().code());
      assertThrows(StatusException.class, stream::receive, "the end is reported again, not a message");
      assertEquals("FAILED_PRECONDITION", stream.trailers().get("x-failed-code"));
    }
  }
}
