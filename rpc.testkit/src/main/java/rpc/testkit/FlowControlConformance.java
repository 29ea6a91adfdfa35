package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * Large messages, the inbound message size limit, and back-pressure with bounded memory: a
 * receiver that does not read stops its sender after a small, bounded number of messages, in both
 * directions.
 */
abstract class FlowControlConformance extends AbstractTransportTest {
  private static final int MIB = 1024 * 1024;
  private static final int CHUNK = 64 * 1024;
  /** How many 64 KiB messages the stalled stream sends if nothing stops it. */
  private static final int FLOOD = 200;
  /** Generous: windows, prefetch and transport buffers together stay far below this. */
  private static final int BOUND = 100;
  private static final Duration QUIET = Duration.ofMillis(300);
  /** Mixed sizes: one small message, then this many of {@link #MIB} each. */
  private static final int LARGE_COUNT = 64;
  /**
   * What a paused stream may hold, both ends together, while {@code LARGE_COUNT} MiB wait to be
   * sent: a stream window or two, a read-ahead budget and a few messages — far less than the flood.
   */
  private static final long HELD_BOUND = 24L * MIB;

  FlowControlConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void messagesOfSeveralMebibytesArriveIntact() throws Exception {
    Channel channel = fakeChannel();
    byte[] big = FakeService.payload(3, 3 * MIB);
    assertArrayEquals(big, channel.call(FakeService.ECHO_BYTES, big));

    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.GENERATE)) {
      stream.sendAndClose("3 " + 3 * MIB);
      for (int i = 0; i < 3; i++) {
        byte[] m = stream.receive();
        assertNotNull(m);
        assertEquals(3 * MIB, m.length);
        assertTrue(FakeService.isPayload(i, m), "response " + i + " corrupted");
      }
      assertNull(stream.receive());
    }
    try (ClientStream<byte[], byte[]> stream = channel.newStream(FakeService.BIDI_BYTES)) {
      stream.send(big);
      assertArrayEquals(big, stream.receive());
      stream.halfClose();
      assertNull(stream.receive());
    }
  }

  @Test
  void messagesOverTheDefaultLimitFailResourceExhausted() throws Exception {
    Channel channel = fakeChannel();
    StatusException tooBig = assertStatus(Status.Code.RESOURCE_EXHAUSTED,
        () -> channel.call(FakeService.ECHO_BYTES, FakeService.payload(0, 5 * MIB)));
    assertTrue(tooBig.status().description().contains("server's maximum")
        && tooBig.status().description().contains("maxInboundMessageSize"),
        () -> "the error does not say whose limit: " + tooBig.status());
    assertArrayEquals(FakeService.payload(1, 10), channel.call(FakeService.ECHO_BYTES, FakeService.payload(1, 10)),
        "the server goes on serving after refusing a request");

    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.GENERATE)) {
      stream.sendAndClose("1 " + 5 * MIB);
      StatusException e = assertStatus(Status.Code.RESOURCE_EXHAUSTED, stream::receive);
      assertTrue(e.status().description().contains("client's maximum")
          && e.status().description().contains("maxInboundMessageSize"),
          () -> "the error does not say whose limit: " + e.status());
    }
    assertArrayEquals(FakeService.payload(2, 10), channel.call(FakeService.ECHO_BYTES, FakeService.payload(2, 10)),
        "the channel goes on working after refusing a response");
  }

  @Test
  void configuredLimitsAreEnforcedExactly() throws Exception {
    Server server = startServer(b -> b.maxInboundMessageSize(CHUNK), service.definition());
    Channel channel = openChannel(server, b -> b.maxInboundMessageSize(CHUNK));
    assertArrayEquals(FakeService.payload(0, CHUNK), channel.call(FakeService.ECHO_BYTES,
        FakeService.payload(0, CHUNK)), "a message of exactly the limit is allowed");
    assertStatus(Status.Code.RESOURCE_EXHAUSTED,
        () -> channel.call(FakeService.ECHO_BYTES, FakeService.payload(0, CHUNK + 1)));
    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.GENERATE)) {
      stream.sendAndClose("1 " + (CHUNK + 1));
      assertStatus(Status.Code.RESOURCE_EXHAUSTED, stream::receive);
    }
    assertEquals("fine", channel.call(FakeService.ECHO, "fine"));
  }

  @Test
  void clientThatDoesNotReadStopsTheServerSender() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.GENERATE)) {
      stream.sendAndClose(FLOOD + " " + CHUNK);
      int sent = Waits.awaitStalled(service::sent, service::senderThread, QUIET, WAIT);
      assertTrue(sent < BOUND, "the server sent " + sent + " messages of 64 KiB to a client that read none");
      assertTrue(service.senderThread().isAlive(), "the server sender finished without waiting");
      for (int i = 0; i < FLOOD; i++) {
        byte[] m = stream.receive();
        assertNotNull(m, "response " + i + " missing");
        assertTrue(FakeService.isPayload(i, m), "response " + i + " corrupted");
      }
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
    }
  }

  @Test
  void serverThatDoesNotReadStopsTheClientSender() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<byte[], String> stream = channel.newStream(FakeService.ABSORB)) {
      AtomicInteger sent = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread sender = Thread.ofPlatform().name("flooding-sender").start(() -> {
        try {
          for (int i = 0; i < FLOOD; i++) {
            stream.send(FakeService.payload(i, CHUNK));
            sent.incrementAndGet();
          }
          stream.halfClose();
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      int before = Waits.awaitStalled(sent::get, () -> sender, QUIET, WAIT);
      assertTrue(before < BOUND, "the client sent " + before + " messages of 64 KiB to a server that read none");
      assertTrue(sender.isAlive(), "the client sender finished without waiting; failure " + failure.get());
      service.release();
      sender.join(WAIT.toMillis());
      assertNull(failure.get());
      assertEquals(Integer.toString(FLOOD), stream.receive(), "the server checked every request");
      assertNull(stream.receive());
    }
  }

  @Test
  void clientThatPausesAfterASmallMessageHoldsBoundedMemory() throws Exception {
    Channel channel = fakeChannel();
    readSmallThenLarge(channel, 4); // connections, pools and code paths warmed up before measuring
    service.resetSent();
    long before = Heap.usedAfterGc();
    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.SMALL_THEN_LARGE)) {
      stream.sendAndClose(LARGE_COUNT + " " + MIB);
      assertTrue(FakeService.isPayload(0, stream.receive()), "the small first message");
      // The reader pauses: the server sends until flow control stops it.
      Waits.awaitStalled(service::sent, service::senderThread, QUIET, WAIT);
      long held = Heap.usedAfterGc() - before;
      assertTrue(held < HELD_BOUND, () -> "a client paused after one small message holds " + held / MIB
          + " MiB of a " + LARGE_COUNT + " MiB stream (bound " + HELD_BOUND / MIB + " MiB)");
      for (int i = 1; i <= LARGE_COUNT; i++) {
        assertTrue(FakeService.isPayload(i, stream.receive()), "response " + i + " lost or corrupted");
      }
      assertNull(stream.receive());
    }
  }

  @Test
  void handlerThatPausesAfterASmallMessageHoldsBoundedMemory() throws Exception {
    Channel channel = fakeChannel();
    readSmallThenLarge(channel, 4);
    long before = Heap.usedAfterGc();
    try (ClientStream<byte[], String> stream = channel.newStream(FakeService.HOLD_AFTER_FIRST)) {
      AtomicInteger sent = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread sender = Thread.ofPlatform().name("mixed-sizes-sender").start(() -> {
        try {
          stream.send(FakeService.payload(0, 16));
          for (int i = 1; i <= LARGE_COUNT; i++) {
            stream.send(FakeService.payload(i, MIB));
            sent.incrementAndGet();
          }
          stream.halfClose();
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      assertEquals("first", service.nextObservation(WAIT).detail());
      Waits.awaitStalled(sent::get, () -> sender, QUIET, WAIT);
      long held = Heap.usedAfterGc() - before;
      assertTrue(held < HELD_BOUND, () -> "a handler paused after one small request holds " + held / MIB
          + " MiB of a " + LARGE_COUNT + " MiB stream (bound " + HELD_BOUND / MIB + " MiB)");
      service.release();
      sender.join(WAIT.toMillis());
      assertNull(failure.get());
      assertEquals(Integer.toString(LARGE_COUNT + 1), stream.receive(), "every request arrived");
      assertNull(stream.receive());
    }
  }

  /** Runs a mixed-size server stream of {@code count} large messages, reading it all. */
  private void readSmallThenLarge(Channel channel, int count) {
    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.SMALL_THEN_LARGE)) {
      stream.sendAndClose(count + " " + MIB);
      for (int i = 0; i <= count; i++) {
        assertTrue(FakeService.isPayload(i, stream.receive()), "warm-up response " + i);
      }
      assertNull(stream.receive());
    }
  }
}
