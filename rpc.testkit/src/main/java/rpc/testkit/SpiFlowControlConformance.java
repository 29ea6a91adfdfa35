package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.testkit.SpiMethods.BIDI_STREAMING;
import static rpc.testkit.SpiMethods.CLIENT_STREAMING;
import static rpc.testkit.SpiMethods.SERVER_STREAMING;
import static rpc.testkit.SpiMethods.bytes;
import static rpc.testkit.SpiMethods.large;
import static rpc.testkit.SpiMethods.texts;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ServerTransport;

/**
 * Flow control through the SPI: messages are delivered exactly as requested, in both directions,
 * and the end of the peer's messages ({@code onClose OK}, {@code onHalfClose}) waits for the
 * messages before it; a sender that honours {@code isReady()}/{@code onReady()} is stopped by a
 * receiver that requests nothing, and resumed by {@code onReady} once the receiver reads; a call
 * that ends while its sender waits for {@code onReady} gets no callback after its end.
 */
abstract class SpiFlowControlConformance extends AbstractSpiTest {
  private static final int SENT = 10;
  /** A sender not stopped by this many {@link SpiMethods#LARGE} messages (about 19 MiB) is not stopped at all. */
  private static final int FLOOD = 300;
  /** How long a sender that is not ready waits for {@code onReady} before counting as stopped. */
  private static final Duration QUIET = Duration.ofSeconds(1);

  SpiFlowControlConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void clientGetsExactlyTheRequestedMessagesAndOnCloseOnlyAfterThem() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("server streaming");
    ClientCall<byte[], byte[]> call = start(client, SERVER_STREAMING, c);
    call.request(3);
    call.send(bytes("go"));
    call.halfClose();
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(1);
    s.awaitHalfClose(WAIT);
    for (int i = 0; i < SENT; i++) {
      s.call().send(bytes("m" + i));
    }
    s.close(Status.OK, new Metadata());

    c.awaitMessages(3, WAIT);
    barrier(client); // the server's messages and trailers have had time to arrive
    assertEquals(3, c.messageCount(), () -> "requested 3 messages; " + c.describe());
    assertEquals(0, c.closeCount(), () -> "onClose came before the 7 messages sent before the server's OK were "
        + "requested and delivered; " + c.describe());
    call.request(4);
    c.awaitMessages(7, WAIT);
    barrier(client);
    assertEquals(7, c.messageCount(), () -> "requested 7 messages in all; " + c.describe());
    assertEquals(0, c.closeCount(), () -> "onClose came before 3 messages still to deliver; " + c.describe());
    call.request(3);
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertEquals(IntStream.range(0, SENT).mapToObj(i -> "m" + i).toList(), texts(c.messages()), c::describe);
    List<String> callbacks = withoutReady(c.callbacks());
    assertEquals("onClose(OK)", callbacks.get(callbacks.size() - 1), () -> "onClose must be last; " + c.describe());
    assertClean(c, s);
  }

  @Test
  void serverGetsExactlyTheRequestedMessagesAndOnHalfCloseAfterThemWithoutARequest() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("client streaming");
    ClientCall<byte[], byte[]> call = start(client, CLIENT_STREAMING, c);
    call.request(1);
    for (int i = 0; i < SENT; i++) {
      call.send(bytes("m" + i));
    }
    call.halfClose();
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(3);

    s.awaitMessages(3, WAIT);
    barrier(client); // the client's messages and half-close have had time to arrive
    assertEquals(3, s.messageCount(), () -> "requested 3 messages; " + s.describe());
    assertEquals(0, s.halfCloseCount(), () -> "onHalfClose came before 7 messages sent before it; " + s.describe());
    s.call().request(7);
    s.awaitHalfClose(WAIT);
    assertEquals(IntStream.range(0, SENT).mapToObj(i -> "m" + i).toList(), texts(s.messages()), s::describe);
    List<String> callbacks = withoutReady(s.callbacks());
    assertEquals("onHalfClose", callbacks.get(callbacks.size() - 1),
        () -> "onHalfClose must come after every message; " + s.describe());
    s.call().send(bytes("done"));
    s.close(Status.OK, new Metadata());
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertEquals(List.of("done"), texts(c.messages()), c::describe);
    assertClean(c, s);
  }

  @Test
  void clientSenderIsStoppedByAServerThatDoesNotRequestAndResumedByOnReady() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("client floods");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);

    int sent = sendWhileReady(() -> c.isReady(call), i -> call.send(large(i)), c::readyCount);
    assertTrue(sent > 0, () -> "the client was never ready to send; " + c.describe());
    assertTrue(sent < FLOOD, () -> "the client sent " + FLOOD + " messages of 64 KiB to a server that requested "
        + "none, and isReady() never stayed false; " + c.describe());
    int readyBefore = c.readyCount();
    s.call().request(sent);
    s.awaitMessages(sent, WAIT);
    c.awaitReady(readyBefore + 1, WAIT);
    assertTrue(c.isReady(call), () -> "onReady came but isReady() is false; " + c.describe());
    List<Integer> indexes = s.messages().stream().map(SpiMethods::indexOf).toList();
    assertEquals(IntStream.range(0, sent).boxed().toList(), indexes, "the server got other messages than were sent");

    call.halfClose();
    s.awaitHalfClose(WAIT);
    s.close(Status.OK, new Metadata());
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertClean(c, s);
  }

  @Test
  void serverSenderIsStoppedByAClientThatDoesNotRequestAndResumedByOnReady() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("client reads late");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);

    int sent = sendWhileReady(s::isReady, i -> s.call().send(large(i)), s::readyCount);
    assertTrue(sent < FLOOD, () -> "the server sent " + FLOOD + " messages of 64 KiB to a client that requested "
        + "none, and isReady() never stayed false; " + s.describe());
    assertTrue(sent > 0, () -> "the server was never ready to send; " + s.describe());
    int readyBefore = s.readyCount();
    call.request(sent);
    c.awaitMessages(sent, WAIT);
    s.awaitReady(readyBefore + 1, WAIT);
    assertTrue(s.isReady(), () -> "onReady came but isReady() is false; " + s.describe());
    List<Integer> indexes = c.messages().stream().map(SpiMethods::indexOf).toList();
    assertEquals(IntStream.range(0, sent).boxed().toList(), indexes, "the client got other messages than were sent");

    s.close(Status.OK, new Metadata());
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertClean(c, s);
  }

  @Test
  void aClientWaitingForOnReadyGetsNoCallbackAfterTheServerEndsTheCall() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("blocked sender");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    int sent = sendWhileReady(() -> c.isReady(call), i -> call.send(large(i)), c::readyCount);
    assertTrue(sent < FLOOD, () -> "the client was never stopped; " + c.describe());

    // The client waits for onReady; the server gives up instead of reading.
    s.close(Status.RESOURCE_EXHAUSTED.withDescription("too much"), new Metadata());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, c.awaitClose(WAIT).code(), c::describe);
    barrier(client);
    c.assertClosedOnce();
    assertClean(c, s);
  }

  @Test
  void aClientThatCancelsWhileWaitingForOnReadyGetsNoCallbackAfterOnClose() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("blocked sender");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    int sent = sendWhileReady(() -> c.isReady(call), i -> call.send(large(i)), c::readyCount);
    assertTrue(sent < FLOOD, () -> "the client was never stopped; " + c.describe());

    call.cancel(Status.CANCELLED.withDescription("gave up waiting"));
    assertEquals(Status.Code.CANCELLED, c.awaitClose(WAIT).code(), c::describe);
    s.awaitCancel(WAIT);
    // A server handler that has not seen the cancellation yet may still ask for messages.
    s.call().request(sent);
    barrier(client);
    c.assertClosedOnce();
    assertClean(c, s);
  }

  @Test
  void aServerThatClosesWhileWaitingForOnReadyGetsNoCallbackAfterItsClose() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("reads late");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    int sent = sendWhileReady(s::isReady, i -> s.call().send(large(i)), s::readyCount);
    assertTrue(sent < FLOOD, () -> "the server was never stopped; " + s.describe());

    // Everything is sent; the server ends the call without waiting for the client to read it.
    s.close(Status.OK, new Metadata());
    call.request(sent);
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertEquals(sent, c.messageCount(), () -> "messages sent before the server's OK were lost; " + c.describe());
    barrier(client);
    assertClean(c, s);
  }

  /**
   * Sends as the library does: while {@code isReady}, else waits for the next {@code onReady}.
   * Returns how many messages were sent when the sender stopped: not ready, and no {@code onReady}
   * for {@link #QUIET} (a slow machine only makes it stop earlier), or {@link #FLOOD} sent.
   */
  private static int sendWhileReady(BooleanSupplier isReady, IntConsumer send, IntSupplier readyCount)
      throws InterruptedException {
    int sent = 0;
    while (sent < FLOOD) {
      int readySeen = readyCount.getAsInt();
      if (isReady.getAsBoolean()) {
        send.accept(sent++);
        continue;
      }
      long until = System.nanoTime() + QUIET.toNanos();
      while (readyCount.getAsInt() == readySeen && System.nanoTime() - until < 0) {
        Thread.sleep(5); // polling for a callback that should not come; its absence is the result
      }
      if (readyCount.getAsInt() == readySeen) {
        return sent;
      }
    }
    return sent;
  }
}
