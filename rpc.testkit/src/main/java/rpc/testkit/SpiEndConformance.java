package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static rpc.testkit.SpiMethods.BIDI_STREAMING;
import static rpc.testkit.SpiMethods.UNARY;
import static rpc.testkit.SpiMethods.UNKNOWN_BIDI;
import static rpc.testkit.SpiMethods.UNKNOWN_UNARY;
import static rpc.testkit.SpiMethods.bytes;
import static rpc.testkit.SpiMethods.texts;

import java.util.List;
import org.junit.jupiter.api.Test;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ServerTransport;

/**
 * How calls end, driven through the SPI: a started client call ends with exactly one
 * {@code onClose} whatever ends it (the server's status, a cancel, a failure to start, a message
 * too large), and nothing follows it; a server call ends once, by the library's {@code close}
 * (then no callback at all) or by one {@code onCancel}.
 */
abstract class SpiEndConformance extends AbstractSpiTest {

  SpiEndConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void okCloseEndsTheClientCallWithExactlyOneOnClose() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("unary");
    ClientCall<byte[], byte[]> call = start(client, UNARY, c);
    call.request(1);
    call.send(bytes("ping"));
    call.halfClose();
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(1);
    s.awaitHalfClose(WAIT);
    s.call().send(bytes("pong"));
    s.close(Status.OK, new Metadata().put("x-outcome", "fine"));

    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    barrier(client);
    assertEquals(List.of("ping"), texts(s.messages()), s::describe);
    assertEquals(List.of("pong"), texts(c.messages()), c::describe);
    assertEquals("fine", c.trailers().get("x-outcome"), () -> "trailers were " + c.trailers());
    c.assertClosedOnce();
    assertClean(c, s);
  }

  @Test
  void errorCloseEndsTheClientCallWithExactlyOneOnClose() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    // Before anything was sent (trailers-only on HTTP/2) and after a response message.
    RecordingClientListener<byte[]> first = new RecordingClientListener<>("fails at once");
    ClientCall<byte[], byte[]> firstCall = start(client, BIDI_STREAMING, first);
    firstCall.request(1);
    RecordingServerListener<byte[], byte[]> s1 = acceptor.nextCall(WAIT);
    s1.close(Status.NOT_FOUND.withDescription("no such thing"), new Metadata().put("x-outcome", "missing"));

    RecordingClientListener<byte[]> second = new RecordingClientListener<>("fails after a message");
    ClientCall<byte[], byte[]> secondCall = start(client, BIDI_STREAMING, second);
    secondCall.request(1);
    RecordingServerListener<byte[], byte[]> s2 = acceptor.nextCall(WAIT);
    s2.call().send(bytes("partial"));
    second.awaitMessages(1, WAIT);
    s2.close(Status.ABORTED.withDescription("gave up"), new Metadata());

    Status st1 = first.awaitClose(WAIT);
    assertEquals(Status.Code.NOT_FOUND, st1.code(), first::describe);
    assertEquals("no such thing", st1.description(), first::describe);
    assertEquals("missing", first.trailers().get("x-outcome"), () -> "trailers were " + first.trailers());
    Status st2 = second.awaitClose(WAIT);
    assertEquals(Status.Code.ABORTED, st2.code(), second::describe);
    assertEquals("gave up", st2.description(), second::describe);
    barrier(client);
    first.assertClosedOnce();
    second.assertClosedOnce();
    assertClean(first, s1);
    assertClean(second, s2);
  }

  @Test
  void clientCancelEndsTheClientCallWithExactlyOneOnClose() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("cancelled");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    call.request(1);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);

    Status cancel = Status.CANCELLED.withDescription("the test cancels");
    call.cancel(cancel);
    call.cancel(Status.CANCELLED.withDescription("again"));
    Status st = c.awaitClose(WAIT);
    assertEquals(Status.Code.CANCELLED, st.code(), c::describe);
    assertEquals("the test cancels", st.description(), () -> "onClose must report the status given to cancel; "
        + c.describe());
    // After the end, the call ignores what the application still does.
    call.send(bytes("too late"));
    call.halfClose();
    call.request(1);
    s.awaitCancel(WAIT);
    barrier(client);
    c.assertClosedOnce();
    assertClean(c, s);
  }

  @Test
  void clientCancelReachesTheServerAsExactlyOneOnCancel() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("cancelled");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    call.send(bytes("first"));
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(10);
    s.awaitMessages(1, WAIT);

    call.cancel(Status.CANCELLED.withDescription("the test cancels"));
    Status st = s.awaitCancel(WAIT);
    assertNotEquals(Status.Code.OK, st.code(), s::describe);
    c.awaitClose(WAIT);
    barrier(client);
    s.assertCancelledOnce();
    assertEquals(List.of("onMessage(first)", "onCancel(" + CallbackRecorder.summary(st) + ")"),
        withoutReady(s.callbacks()), s::describe);
    assertClean(c, s);
  }

  @Test
  void serverCloseAfterOnCancelIsIgnored() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("cancelled");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    call.request(1);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    call.cancel(Status.CANCELLED.withDescription("the test cancels"));
    s.awaitCancel(WAIT);

    s.call().send(bytes("too late"));
    s.close(Status.OK, new Metadata());
    s.call().close(Status.INTERNAL, new Metadata());
    assertEquals(Status.Code.CANCELLED, c.awaitClose(WAIT).code(), c::describe);
    barrier(client);
    s.assertCancelledOnce();
    c.assertClosedOnce();
    assertEquals(List.of(), c.messages(), c::describe);
    assertClean(c, s);
  }

  @Test
  void serverCloseEndsTheServerListenersCallbacks() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("closed by the server");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    call.request(10);
    call.send(bytes("before"));
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(100);
    s.awaitMessages(1, WAIT);

    s.close(Status.OK, new Metadata());
    // What the client still sends, and its half-close, must not reach the closed server call.
    call.send(bytes("after 1"));
    call.send(bytes("after 2"));
    call.halfClose();
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    barrier(client);
    assertEquals(List.of("onMessage(before)"), withoutReady(s.callbacks()),
        () -> "no callback may follow the library's close; " + s.describe());
    assertClean(c, s);
  }

  @Test
  void startOfAnUnknownMethodEndsWithExactlyOneOnCloseUnimplemented() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> unary = new RecordingClientListener<>("unknown unary");
    ClientCall<byte[], byte[]> unaryCall = start(client, UNKNOWN_UNARY, unary);
    unaryCall.request(1);
    unaryCall.send(bytes("anyone?"));
    unaryCall.halfClose();
    RecordingClientListener<byte[]> bidi = new RecordingClientListener<>("unknown bidi");
    ClientCall<byte[], byte[]> bidiCall = start(client, UNKNOWN_BIDI, bidi);
    bidiCall.request(1);

    assertEquals(Status.Code.UNIMPLEMENTED, unary.awaitClose(WAIT).code(), unary::describe);
    assertEquals(Status.Code.UNIMPLEMENTED, bidi.awaitClose(WAIT).code(), bidi::describe);
    bidiCall.send(bytes("still there?"));
    bidiCall.halfClose();
    barrier(client);
    unary.assertClosedOnce();
    bidi.assertClosedOnce();
    assertEquals(List.of(), acceptor.all().stream()
        .filter(l -> !l.call().method().fullName().equals(SpiMethods.BARRIER.fullName())).toList(),
        "the server accepted a call of an unknown method");
    assertClean(unary);
    assertClean(bidi);
  }

  @Test
  void anOversizedRequestEndsBothSidesOnceWithResourceExhausted() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("sends too much");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    call.request(1);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(1);

    call.send(new byte[maxInboundMessageSize(server) + 1]);
    Status onCancel = s.awaitCancel(WAIT);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, onCancel.code(),
        () -> "the transport failed the call: onCancel reports the status it answered with; " + s.describe());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, c.awaitClose(WAIT).code(), c::describe);
    barrier(client);
    s.assertCancelledOnce();
    c.assertClosedOnce();
    assertEquals(List.of(), s.messages(), s::describe);
    assertClean(c, s);
  }

  @Test
  void anOversizedResponseEndsBothSidesOnce() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("receives too much");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    call.request(1);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);

    s.call().send(new byte[maxInboundMessageSize(client) + 1]);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, c.awaitClose(WAIT).code(), c::describe);
    assertNotEquals(Status.Code.OK, s.awaitCancel(WAIT).code(), s::describe);
    barrier(client);
    s.assertCancelledOnce();
    c.assertClosedOnce();
    assertEquals(List.of(), c.messages(), c::describe);
    assertClean(c, s);
  }
}
