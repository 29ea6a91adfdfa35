package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * The four call kinds (blocking and asynchronous unary, client-, server- and bidi-streaming),
 * several services on one server, unknown methods and services, and copying of mutable messages.
 */
abstract class CallKindsConformance extends AbstractTransportTest {

  CallKindsConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void blockingUnaryReturnsTheResponse() throws Exception {
    Channel channel = fakeChannel();
    assertEquals("hello", channel.call(FakeService.ECHO, "hello"));
    assertEquals("", channel.call(FakeService.ECHO, ""), "an empty message is a message too");
    assertEquals("ünïcødé ✓", channel.call(FakeService.ECHO, "ünïcødé ✓"));
  }

  @Test
  void asyncUnaryCompletesTheFuture() throws Exception {
    Channel channel = fakeChannel();
    CompletableFuture<String> ok = channel.callAsync(FakeService.ECHO, "async");
    CompletableFuture<String> failed = channel.callAsync(FakeService.FAIL, "NOT_FOUND:no such thing");
    assertEquals("async", ok.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> failed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    StatusException se = assertInstanceOf(StatusException.class, e.getCause());
    assertEquals(Status.Code.NOT_FOUND, se.status().code());
    assertEquals("no such thing", se.status().description());
  }

  @Test
  void unaryCallThroughNewStream() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.ECHO)) {
      stream.sendAndClose("via stream");
      assertEquals("via stream", stream.receive());
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
      assertNotNull(stream.trailers(), "trailers are known once the call ended");
    }
  }

  @Test
  void clientStreamingSumsEveryRequest() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.SUM)) {
      for (int i = 1; i <= 100; i++) {
        stream.send(Integer.toString(i));
      }
      stream.halfClose();
      assertEquals("100:5050", stream.receive());
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
    }
    try (ClientStream<String, String> empty = channel.newStream(FakeService.SUM)) {
      empty.halfClose();
      assertEquals("0:0", empty.receive(), "a client stream with no requests still gets its response");
      assertNull(empty.receive());
    }
  }

  @Test
  void serverStreamingDeliversEveryResponseInOrder() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, byte[]> stream = channel.newStream(FakeService.GENERATE)) {
      stream.sendAndClose("50 1000");
      for (int i = 0; i < 50; i++) {
        byte[] m = stream.receive();
        assertNotNull(m, "response " + i + " missing");
        assertTrue(FakeService.isPayload(i, m), "response " + i + " corrupted or out of order");
      }
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
    }
    try (ClientStream<String, byte[]> none = channel.newStream(FakeService.GENERATE)) {
      none.sendAndClose("0 10");
      assertNull(none.receive(), "no responses, then the end");
      assertEquals(Status.Code.OK, none.status().code());
    }
  }

  @Test
  void bidiStreamingPingPong() throws Exception {
    Channel channel = fakeChannel();
    try (ClientStream<String, String> stream = channel.newStream(FakeService.BIDI_ECHO)) {
      // each response must arrive before the next request is sent: messages are not held back
      for (int i = 0; i < 50; i++) {
        stream.send("ping-" + i);
        assertEquals("ping-" + i, stream.receive());
      }
      stream.halfClose();
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
    }
    try (ClientStream<String, String> empty = channel.newStream(FakeService.BIDI_ECHO)) {
      empty.halfClose();
      assertNull(empty.receive());
      assertEquals(Status.Code.OK, empty.status().code());
    }
  }

  @Test
  void everyMessageOfABurstArrivesWithoutALaterSend() throws Exception {
    // Sends that follow each other closely may be written together; the last one of a burst must
    // still leave at once, not wait for a send that never comes. Both ends burst here: the client
    // sends n requests before it reads, the server echoes them as fast as they arrive.
    Channel channel = fakeChannel();
    CallOptions options = CallOptions.DEFAULT.withTimeout(java.time.Duration.ofSeconds(30));
    try (ClientStream<String, String> stream = channel.newStream(FakeService.BIDI_ECHO, options)) {
      int sent = 0;
      for (int n : new int[] {1, 2, 3, 7, 64, 300, 1, 5}) {
        for (int i = 0; i < n; i++) {
          stream.send("m-" + (sent + i));
        }
        for (int i = 0; i < n; i++) {
          assertEquals("m-" + (sent + i), stream.receive(), "burst of " + n + ", message " + i);
        }
        sent += n;
      }
      stream.halfClose();
      assertNull(stream.receive());
      assertEquals(Status.Code.OK, stream.status().code());
    }
  }

  @Test
  void handlerContextNamesTheMethodAndThePeer() throws Exception {
    Channel channel = fakeChannel();
    String[] seen = channel.call(FakeService.CONTEXT, "?").split("\n", -1);
    assertEquals(FakeService.CONTEXT.fullName(), seen[0]);
    assertTrue(seen.length == 2 && !seen[1].isBlank() && !seen[1].equals("null"), "no peer: " + Arrays.toString(seen));
  }

  @Test
  void severalServicesShareOneServer() throws Exception {
    MethodDescriptor<String, String> otherEcho = MethodDescriptor.of("rpc.testkit.FakeOtherService/Echo",
        MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
    ServiceDefinition other = ServiceDefinition.newBuilder("rpc.testkit.FakeOtherService")
        .unary(otherEcho, (request, ctx) -> "other:" + request)
        .build();
    Server server = startServer(service.definition(), other);
    Channel channel = openChannel(server);
    assertEquals("a", channel.call(FakeService.ECHO, "a"));
    assertEquals("other:a", channel.call(otherEcho, "a"));
  }

  @Test
  void unknownMethodIsUnimplemented() throws Exception {
    Channel channel = fakeChannel();
    MethodDescriptor<String, String> missing = MethodDescriptor.of(FakeService.NAME + "/NoSuchMethod",
        MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
    assertStatus(Status.Code.UNIMPLEMENTED, () -> channel.call(missing, "x"));
    MethodDescriptor<String, String> missingStream = MethodDescriptor.of(FakeService.NAME + "/NoSuchStream",
        MethodDescriptor.Kind.BIDI_STREAMING, StringCodec.INSTANCE, StringCodec.INSTANCE);
    try (ClientStream<String, String> stream = channel.newStream(missingStream)) {
      assertStatus(Status.Code.UNIMPLEMENTED, stream::receive);
    }
    assertEquals("still serving", channel.call(FakeService.ECHO, "still serving"));
  }

  @Test
  void unknownServiceIsUnimplemented() throws Exception {
    Channel channel = fakeChannel();
    MethodDescriptor<String, String> missing = MethodDescriptor.of("rpc.testkit.NoSuchService/Echo",
        MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
    assertStatus(Status.Code.UNIMPLEMENTED, () -> channel.call(missing, "x"));
    assertEquals("still serving", channel.call(FakeService.ECHO, "still serving"));
  }

  @Test
  void mutableMessagesAreNeverShared() throws Exception {
    Channel channel = fakeChannel();
    byte[] request = FakeService.payload(1, 100);
    byte[] original = request.clone();
    byte[] response = channel.call(FakeService.ECHO_BYTES, request);
    byte[] onServer = service.nextReceivedArray(WAIT);
    assertNotSame(request, onServer, "the handler got the client's own array");
    assertNotSame(onServer, response, "the client got the handler's own array");
    assertArrayEquals(original, response);

    try (ClientStream<byte[], byte[]> stream = channel.newStream(FakeService.BIDI_BYTES)) {
      stream.send(request);
      Arrays.fill(request, (byte) 0); // must not reach the server: the message was sent already
      byte[] received = service.nextReceivedArray(WAIT);
      assertNotSame(request, received);
      assertArrayEquals(original, received);
      byte[] echoed = stream.receive();
      assertNotSame(received, echoed);
      assertArrayEquals(original, echoed);
      stream.halfClose();
      assertNull(stream.receive());
    }
  }
}
