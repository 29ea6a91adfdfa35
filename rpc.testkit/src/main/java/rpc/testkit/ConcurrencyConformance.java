package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * The concurrency rules: many threads share one channel; on one stream one thread sends while
 * another receives (client and server); a second concurrent sender or receiver is refused with an
 * {@link IllegalStateException} naming the stream and the operation.
 */
abstract class ConcurrencyConformance extends AbstractTransportTest {
  private static final int THREADS = 64;
  private static final int CALLS_PER_THREAD = 30;

  ConcurrencyConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void manyThreadsShareOneChannel() throws Exception {
    Channel channel = fakeChannel();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger checked = new AtomicInteger();
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < CALLS_PER_THREAD; i++) {
            String request = "t" + thread + "-c" + i;
            switch (i % 3) {
              case 0 -> assertEquals(request, channel.call(FakeService.ECHO, request));
              case 1 -> assertEquals(request, channel.callAsync(FakeService.ECHO, request)
                  .get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
              default -> {
                try (ClientStream<String, String> s = channel.newStream(FakeService.BIDI_ECHO)) {
                  s.send(request + "-a");
                  s.send(request + "-b");
                  s.halfClose();
                  assertEquals(request + "-a", s.receive());
                  assertEquals(request + "-b", s.receive());
                  assertNull(s.receive());
                }
              }
            }
            checked.incrementAndGet();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> w : workers) {
        w.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // rethrows the first mismatch
      }
      assertEquals(THREADS * CALLS_PER_THREAD, checked.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void callsOnOneChannelRunInParallel() throws Exception {
    Channel channel = fakeChannel();
    int count = 50;
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      calls.add(channel.callAsync(FakeService.WAIT, "parallel-" + i));
    }
    // every handler is running at once before any may finish: nothing queues calls behind others
    assertTrue(service.awaitStarted(count, WAIT), "not all calls reached their handlers at once");
    service.release();
    for (int i = 0; i < count; i++) {
      assertEquals("released:parallel-" + i, calls.get(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void clientSendsOnOneThreadWhileAnotherReceives() throws Exception {
    Channel channel = fakeChannel();
    int count = 2000;
    try (ClientStream<String, String> stream = channel.newStream(FakeService.BIDI_ECHO)) {
      // The echo handler blocks in send while nobody reads, so this only finishes if the
      // client's sender and receiver really run at once.
      CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < count; i++) {
          stream.send("m-" + i);
        }
        stream.halfClose();
      }, task -> Thread.ofVirtual().name("bidi-sender").start(task));
      for (int i = 0; i < count; i++) {
        assertEquals("m-" + i, stream.receive());
      }
      assertNull(stream.receive());
      sender.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(Status.Code.OK, stream.status().code());
    }
  }

  @Test
  void serverHandlerSendsOnOneThreadWhileAnotherReceives() throws Exception {
    Channel channel = fakeChannel();
    int count = 500;
    try (ClientStream<String, String> stream = channel.newStream(FakeService.SEND_RECEIVE)) {
      // Send everything before reading: the server's sender blocks on flow control, so all
      // requests only get through if the handler keeps receiving meanwhile.
      stream.send(Integer.toString(count));
      for (int i = 0; i < count; i++) {
        stream.send("q-" + i);
      }
      stream.halfClose();
      for (int i = 0; i < count; i++) {
        assertEquals(FakeService.padded("r-" + i, 1024), stream.receive());
      }
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
      assertEquals(Integer.toString(count), stream.trailers().get("x-received"));
    }
  }

  @Test
  void secondConcurrentReceiverOnClientIsRefused() throws Exception {
    Channel channel = fakeChannel();
    ClientStream<String, String> stream = channel.newStream(FakeService.WAIT_STREAM);
    AtomicReference<Throwable> firstOutcome = new AtomicReference<>();
    Thread first = Thread.ofPlatform().name("first-receiver").start(() -> {
      try {
        firstOutcome.set(new AssertionError("receive returned " + stream.receive()));
      } catch (Throwable t) {
        firstOutcome.set(t);
      }
    });
    assertTrue(service.awaitStarted(1, WAIT));
    assertTrue(Waits.awaitParked(() -> first, Duration.ofMillis(100), WAIT), "first receiver never blocked");

    IllegalStateException e = assertThrows(IllegalStateException.class, stream::receive);
    assertMentions(e, stream.name(), "receive");

    stream.cancel(); // ends the first receive
    first.join(WAIT.toMillis());
    assertFalse(first.isAlive());
    StatusException cancelled = assertInstanceOfStatus(firstOutcome.get());
    assertEquals(Status.Code.CANCELLED, cancelled.status().code());
  }

  @Test
  void secondConcurrentSenderOnClientIsRefused() throws Exception {
    Channel channel = fakeChannel();
    int count = 200;
    ClientStream<byte[], String> stream = channel.newStream(FakeService.ABSORB);
    AtomicInteger sent = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    Thread first = Thread.ofPlatform().name("first-sender").start(() -> {
      try {
        for (int i = 0; i < count; i++) {
          stream.send(FakeService.payload(i, 64 * 1024));
          sent.incrementAndGet();
        }
        stream.halfClose();
      } catch (Throwable t) {
        firstFailure.set(t);
      }
    });
    // The server reads nothing until released, so flow control stops the first sender in send.
    int before = Waits.awaitStalled(sent::get, () -> first, Duration.ofMillis(300), WAIT);
    assertTrue(first.isAlive() && before < count,
        "the first sender never blocked: sent " + before + " of " + count + ", failure " + firstFailure.get());

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> stream.send(new byte[1]));
    assertMentions(e, stream.name(), "send");

    service.release();
    first.join(WAIT.toMillis());
    assertNull(firstFailure.get());
    assertEquals(Integer.toString(count), stream.receive(), "every request from the first sender arrived intact");
    assertNull(stream.receive());
  }

  @Test
  void secondConcurrentReceiverInHandlerIsRefused() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.DOUBLE_RECEIVE)) {
      assertEquals("checked", stream.receive());
      Observation seen = service.nextObservation(WAIT);
      assertTrue(seen.detail().startsWith("IllegalStateException: "), seen.detail());
      assertTrue(seen.detail().contains(seen.streamName()), () -> "names no stream: " + seen.detail());
      assertTrue(seen.detail().contains("receive"), () -> "names no operation: " + seen.detail());
      stream.halfClose();
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
    }
  }

  @Test
  void secondConcurrentSenderInHandlerIsRefused() throws Exception {
    Channel channel = fakeChannel();
    int count = 200;
    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.DOUBLE_SEND)) {
      stream.send(count + " " + 64 * 1024);
      Observation seen = service.nextObservation(WAIT); // reported while the client reads nothing
      assertTrue(seen.detail().startsWith("IllegalStateException: "), seen.detail());
      assertTrue(seen.detail().contains(seen.streamName()), () -> "names no stream: " + seen.detail());
      assertTrue(seen.detail().contains("send"), () -> "names no operation: " + seen.detail());
      for (int i = 0; i < count; i++) {
        byte[] m = stream.receive();
        assertNotNull(m, "response " + i + " missing");
        assertTrue(FakeService.isPayload(i, m), "response " + i + " corrupted");
      }
      stream.halfClose();
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
    }
  }

  private static void assertMentions(IllegalStateException e, String streamName, String operation) {
    String m = String.valueOf(e.getMessage());
    assertTrue(m.contains(streamName), () -> "message does not name the stream " + streamName + ": " + m);
    assertTrue(m.contains(operation), () -> "message does not name the operation " + operation + ": " + m);
  }

  private static StatusException assertInstanceOfStatus(Throwable t) {
    assertNotNull(t, "the first receive did not end");
    if (t instanceof StatusException se) {
      return se;
    }
    throw new AssertionError("expected a StatusException, got " + t, t);
  }
}
