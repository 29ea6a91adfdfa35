package rpc.transport.jetty.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.transport.jetty.interop.InteropService.bytes;
import static rpc.transport.jetty.interop.InteropService.text;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Server;

/** grpc-java 1.85's client (Netty) calling our Jetty server. */
@Timeout(60)
class GrpcJavaClientTest {
  private final InteropService service = new InteropService();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = Server.newBuilder().listen(listenAddress()).addService(service.ourService()).build().start();
    channel = channelTo(server).usePlaintext().maxInboundMessageSize(8 * 1024 * 1024).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  /** Where our server listens. */
  String listenAddress() {
    return "127.0.0.1:0";
  }

  /** grpc-java's channel to our started server, before its common settings. */
  NettyChannelBuilder channelTo(Server server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.port());
  }

  private static CallOptions opts() {
    return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void unary() {
    assertEquals("hello", text(ClientCalls.blockingUnaryCall(channel, InteropService.G_ECHO, opts(), bytes("hello"))));
    String left = text(ClientCalls.blockingUnaryCall(channel, InteropService.G_ECHO, opts(), bytes("deadline?")));
    assertTrue(left.equals("19s") || left.equals("18s") || left.equals("17s"), "our server saw " + left);
    assertEquals("none", text(ClientCalls.blockingUnaryCall(channel, InteropService.G_ECHO, CallOptions.DEFAULT,
        bytes("deadline?"))));
  }

  @Test
  void clientStreaming() throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    StreamObserver<BytesValue> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(InteropService.G_CONCAT, opts()), observer(result, new ArrayList<>()));
    for (String s : List.of("a", "b", "c")) {
      requests.onNext(bytes(s));
    }
    requests.onCompleted();
    assertEquals("abc", result.get(20, TimeUnit.SECONDS));
  }

  @Test
  void serverStreaming() {
    Iterator<BytesValue> it = ClientCalls.blockingServerStreamingCall(channel, InteropService.G_COUNT, opts(), bytes("5"));
    List<String> got = new ArrayList<>();
    it.forEachRemaining(v -> got.add(text(v)));
    assertEquals(List.of("0", "1", "2", "3", "4"), got);
  }

  @Test
  void bidi() throws Exception {
    CompletableFuture<String> done = new CompletableFuture<>();
    List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    StreamObserver<BytesValue> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(InteropService.G_CHAT, opts()), observer(done, got));
    for (int i = 0; i < 10; i++) {
      requests.onNext(bytes("m" + i));
    }
    requests.onCompleted();
    done.get(20, TimeUnit.SECONDS);
    assertEquals(10, got.size());
    assertEquals("m9", got.get(9));
  }

  @Test
  void metadataAndTrailers() {
    Metadata out = new Metadata();
    out.put(InteropService.X_REQ, "from grpc-java");
    out.put(InteropService.X_REQ_BIN, new byte[] {1, 2, (byte) 0xFF});
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    io.grpc.Channel ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(out),
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    assertEquals("m", text(ClientCalls.blockingUnaryCall(ch, InteropService.G_META, opts(), bytes("m"))));
    assertEquals("from grpc-java", headers.get().get(InteropService.X_ECHO));
    assertArrayEquals(new byte[] {1, 2, (byte) 0xFF}, headers.get().get(InteropService.X_ECHO_BIN));
    assertEquals("end", trailers.get().get(InteropService.X_TRAILER));
    assertArrayEquals(new byte[] {0, -1, 7}, trailers.get().get(InteropService.X_TRAILER_BIN));
  }

  @Test
  void everyStatusCodeWithNonAsciiMessage() {
    for (io.grpc.Status.Code code : io.grpc.Status.Code.values()) {
      if (code == io.grpc.Status.Code.OK) {
        continue;
      }
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> ClientCalls.blockingUnaryCall(channel, InteropService.G_FAIL, opts(), bytes(code.name())));
      assertEquals(code, e.getStatus().getCode());
      assertEquals(InteropService.FAIL_MESSAGE + code, e.getStatus().getDescription());
    }
  }

  @Test
  void deadlineExceededAndSeenByTheServer() throws Exception {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        channel, InteropService.G_SLEEP, CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), bytes("z")));
    assertEquals(io.grpc.Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertTrue(service.cancelled.await(10, TimeUnit.SECONDS), "the handler never saw the deadline");
  }

  @Test
  void clientCancellationSeenByTheServer() throws Exception {
    ClientCall<BytesValue, BytesValue> call = channel.newCall(InteropService.G_COUNT, opts());
    LinkedBlockingQueue<BytesValue> got = new LinkedBlockingQueue<>();
    CompletableFuture<io.grpc.Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(BytesValue message) {
        got.add(message);
        call.request(1);
      }

      @Override
      public void onClose(io.grpc.Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(bytes("forever"));
    call.halfClose();
    for (int i = 0; i < 3; i++) {
      assertEquals(Integer.toString(i), text(got.poll(20, TimeUnit.SECONDS)));
    }
    call.cancel("enough", null);
    assertEquals(io.grpc.Status.Code.CANCELLED, closed.get(20, TimeUnit.SECONDS).getCode());
    assertTrue(service.cancelled.await(10, TimeUnit.SECONDS), "the handler never saw the cancellation");
  }

  @Test
  void gzipBothWays() {
    byte[] big = new byte[200_000]; // compressible zeros
    Metadata out = new Metadata();
    out.put(InteropService.X_COMPRESS, "gzip");
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    io.grpc.Channel ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(out),
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    BytesValue resp = ClientCalls.blockingUnaryCall(ch, InteropService.G_ECHO, opts().withCompression("gzip"),
        BytesValue.of(ByteString.copyFrom(big)));
    assertArrayEquals(big, resp.getValue().toByteArray());
    assertEquals("gzip", headers.get().get(InteropService.GRPC_ENCODING), "our server compressed its response");
  }

  @Test
  void fourMebibyteMessagesAndTheLimit() {
    byte[] big = new byte[4 * 1024 * 1024 - 16];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    BytesValue resp = ClientCalls.blockingUnaryCall(channel, InteropService.G_ECHO, opts(),
        BytesValue.of(ByteString.copyFrom(big)));
    assertArrayEquals(big, resp.getValue().toByteArray());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        channel, InteropService.G_ECHO, opts(), BytesValue.of(ByteString.copyFrom(new byte[4 * 1024 * 1024 + 10]))));
    assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals("still", text(ClientCalls.blockingUnaryCall(channel, InteropService.G_ECHO, opts(), bytes("still"))));
  }

  @Test
  void unknownMethodIsUnimplemented() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        channel, InteropService.theirs("Missing", io.grpc.MethodDescriptor.MethodType.UNARY), opts(), bytes("x")));
    assertEquals(io.grpc.Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
  }

  private static StreamObserver<BytesValue> observer(CompletableFuture<String> done, List<String> got) {
    return new StreamObserver<>() {
      @Override
      public void onNext(BytesValue value) {
        got.add(text(value));
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(got.isEmpty() ? "" : got.get(got.size() - 1));
      }
    };
  }
}
