package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.testkit.SpiMethods.BIDI_STREAMING;
import static rpc.testkit.SpiMethods.CLIENT_STREAMING;
import static rpc.testkit.SpiMethods.SERVER_STREAMING;
import static rpc.testkit.SpiMethods.UNARY;
import static rpc.testkit.SpiMethods.bytes;
import static rpc.testkit.SpiMethods.texts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ServerTransport;

/**
 * Transports shutting down, driven through the SPI: a graceful shutdown lets calls in flight
 * finish, refuses new ones with {@code UNAVAILABLE} (each ending in exactly one {@code onClose})
 * and terminates after the last; {@code shutdownNow} ends every call on both sides, once; a call
 * that was never started holds nothing.
 */
abstract class SpiLifecycleConformance extends AbstractSpiTest {
  /** The order {@link #startOneCallOfEachKind} starts calls in, by method name. */
  private static final List<String> KINDS =
      List.of(CLIENT_STREAMING.fullName(), BIDI_STREAMING.fullName(), SERVER_STREAMING.fullName());

  SpiLifecycleConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void clientShutdownLetsACallInFlightFinishAndThenTerminates() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("in flight");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    call.request(1);
    call.send(bytes("before"));
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(2);
    s.awaitMessages(1, WAIT);

    client.shutdown();
    assertFalse(client.awaitTermination(0, TimeUnit.MILLISECONDS), "terminated with a call in flight");
    call.send(bytes("during"));
    s.awaitMessages(2, WAIT);
    s.call().send(bytes("reply"));
    c.awaitMessages(1, WAIT);
    assertEquals(List.of("before", "during"), texts(s.messages()), s::describe);
    assertEquals(List.of("reply"), texts(c.messages()), c::describe);
    call.halfClose();
    s.awaitHalfClose(WAIT);
    s.close(Status.OK, new Metadata());
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertTrue(client.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "the client transport did not terminate once its last call ended");
    assertClean(c, s);
  }

  @Test
  void serverShutdownLetsACallInFlightFinishAndThenTerminates() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("in flight");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    call.request(1);
    call.send(bytes("before"));
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(2);
    s.awaitMessages(1, WAIT);

    ClientTransport other = connect(server); // while the server still says where it listens

    server.shutdown();
    assertFalse(server.awaitTermination(0, TimeUnit.MILLISECONDS), "terminated with a call in flight");
    RecordingClientListener<byte[]> late = new RecordingClientListener<>("new connection after shutdown");
    start(other, BIDI_STREAMING, late).request(1);
    RecordingClientListener<byte[]> again = new RecordingClientListener<>("same connection after shutdown");
    start(client, BIDI_STREAMING, again).request(1);
    assertEquals(Status.Code.UNAVAILABLE, late.awaitClose(WAIT).code(), late::describe);
    assertEquals(Status.Code.UNAVAILABLE, again.awaitClose(WAIT).code(), again::describe);
    assertEquals(1, acceptor.all().size(), () -> "the server accepted a call after its shutdown: " + acceptor.all());
    call.send(bytes("during"));
    s.awaitMessages(2, WAIT);
    s.call().send(bytes("reply"));
    c.awaitMessages(1, WAIT);
    call.halfClose();
    s.awaitHalfClose(WAIT);
    s.close(Status.OK, new Metadata());
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertTrue(server.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "the server transport did not terminate once its last call ended");
    assertEquals(List.of("before", "during"), texts(s.messages()), s::describe);
    assertEquals(List.of("reply"), texts(c.messages()), c::describe);
    assertClean(c, s);
    assertClean(late);
    assertClean(again);
  }

  @Test
  void startOnAShutDownClientTransportEndsWithExactlyOneOnCloseUnavailable() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    barrier(client);
    // Made before the shutdown but started after it: a call counts from its start.
    ClientCall<byte[], byte[]> early = client.newCall(BIDI_STREAMING, CallOptions.DEFAULT);
    client.shutdown();
    RecordingClientListener<byte[]> made = new RecordingClientListener<>("made before shutdown");
    start(early, made).request(1);
    RecordingClientListener<byte[]> late = new RecordingClientListener<>("made after shutdown");
    ClientCall<byte[], byte[]> lateCall = start(client, UNARY, late);
    lateCall.request(1);
    lateCall.send(bytes("too late"));
    lateCall.halfClose();

    assertEquals(Status.Code.UNAVAILABLE, late.awaitClose(WAIT).code(), late::describe);
    assertEquals(1, acceptor.all().size(), () -> "the server accepted a call started after the client's shutdown: "
        + acceptor.all());
    assertEquals(Status.Code.UNAVAILABLE, made.awaitClose(WAIT).code(), made::describe);
    assertTrue(client.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "the client transport did not terminate after shutdown with no call in flight");
    made.assertClosedOnce();
    late.assertClosedOnce();
    assertClean(made);
    assertClean(late);
  }

  @Test
  void startAfterTheServerTransportShutDownEndsWithExactlyOneOnCloseUnavailable() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    server.shutdownNow();
    assertTrue(server.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the server did not terminate");

    RecordingClientListener<byte[]> bidi = new RecordingClientListener<>("bidi to a stopped server");
    start(client, BIDI_STREAMING, bidi).request(1);
    RecordingClientListener<byte[]> unary = new RecordingClientListener<>("unary to a stopped server");
    ClientCall<byte[], byte[]> unaryCall = start(client, UNARY, unary);
    unaryCall.request(1);
    unaryCall.send(bytes("anyone?"));
    unaryCall.halfClose();

    assertEquals(Status.Code.UNAVAILABLE, bidi.awaitClose(WAIT).code(), bidi::describe);
    assertEquals(Status.Code.UNAVAILABLE, unary.awaitClose(WAIT).code(), unary::describe);
    client.shutdown();
    assertTrue(client.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the client did not terminate");
    bidi.assertClosedOnce();
    unary.assertClosedOnce();
    assertClean(bidi);
    assertClean(unary);
  }

  @Test
  void serverShutdownNowEndsEveryCallOnBothSides() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    List<RecordingClientListener<byte[]>> clients = startOneCallOfEachKind(client);
    List<RecordingServerListener<byte[], byte[]>> servers = takeCalls(clients.size());

    server.shutdownNow();
    for (RecordingServerListener<byte[], byte[]> s : servers) {
      assertEquals(Status.Code.UNAVAILABLE, s.awaitCancel(WAIT).code(), s::describe);
    }
    for (RecordingClientListener<byte[]> c : clients) {
      assertNotEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    }
    assertTrue(server.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "the server transport did not terminate after shutdownNow");
    client.shutdownNow();
    assertTrue(client.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the client did not terminate");
    for (int i = 0; i < clients.size(); i++) {
      RecordingClientListener<byte[]> c = clients.get(i);
      RecordingServerListener<byte[], byte[]> s = servers.get(i);
      c.assertClosedOnce();
      s.assertCancelledOnce();
      assertClean(c, s);
    }
  }

  @Test
  void clientShutdownNowEndsEveryCallOnBothSides() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    List<RecordingClientListener<byte[]>> clients = startOneCallOfEachKind(client);
    List<RecordingServerListener<byte[], byte[]>> servers = takeCalls(clients.size());

    client.shutdownNow();
    for (RecordingClientListener<byte[]> c : clients) {
      assertEquals(Status.Code.UNAVAILABLE, c.awaitClose(WAIT).code(), c::describe);
    }
    for (RecordingServerListener<byte[], byte[]> s : servers) {
      assertNotEquals(Status.Code.OK, s.awaitCancel(WAIT).code(), s::describe);
    }
    assertTrue(client.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "the client transport did not terminate after shutdownNow");
    barrier(connect(server));
    for (int i = 0; i < clients.size(); i++) {
      RecordingClientListener<byte[]> c = clients.get(i);
      RecordingServerListener<byte[], byte[]> s = servers.get(i);
      c.assertClosedOnce();
      s.assertCancelledOnce();
      assertClean(c, s);
    }
  }

  @Test
  void anUnstartedCallDoesNotDelayTheClientTransportsTermination() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    barrier(client);
    client.newCall(BIDI_STREAMING, CallOptions.DEFAULT);
    client.newCall(UNARY, CallOptions.DEFAULT);

    client.shutdown();
    assertTrue(client.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "shutdown() with only unstarted calls did not terminate within " + WAIT.toSeconds() + " s");
  }

  /** A client- and a bidi-streaming call, and a server-streaming one with its request sent; all requested. */
  private List<RecordingClientListener<byte[]>> startOneCallOfEachKind(ClientTransport client) {
    List<RecordingClientListener<byte[]>> listeners = new ArrayList<>();
    for (var method : List.of(CLIENT_STREAMING, BIDI_STREAMING, SERVER_STREAMING)) {
      RecordingClientListener<byte[]> l = new RecordingClientListener<>(method.methodName());
      ClientCall<byte[], byte[]> call = start(client, method, l);
      call.request(1);
      call.send(bytes("hello"));
      if (method == SERVER_STREAMING) {
        call.halfClose();
      }
      listeners.add(l);
    }
    return listeners;
  }

  /** The next {@code n} server calls, each with the first message delivered. */
  private List<RecordingServerListener<byte[], byte[]>> takeCalls(int n) throws InterruptedException {
    List<RecordingServerListener<byte[], byte[]>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
      s.call().request(1);
      s.awaitMessages(1, WAIT);
      calls.add(s);
    }
    // Calls can reach the server in any order; match them to the client's by method.
    calls.sort(Comparator.comparingInt(s -> KINDS.indexOf(s.call().method().fullName())));
    return calls;
  }
}
