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
    assertStatus(Status.Code.RESOURCE_EXHAUSTED,
        () -> channel.call(FakeService.ECHO_BYTES, FakeService.payload(0, 5 * MIB)));
    assertArrayEquals(FakeService.payload(1, 10), channel.call(FakeService.ECHO_BYTES, FakeService.payload(1, 10)),
        "the server goes on serving after refusing a request");

    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.GENERATE)) {
      stream.sendAndClose("1 " + 5 * MIB);
      assertStatus(Status.Code.RESOURCE_EXHAUSTED, stream::receive);
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
}
