package rpc.benchmarks;

import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.codec.protobuf.ProtobufCodec;

/**
 * rpc over the Jetty HTTP/2 transport ({@code 127.0.0.1}) or the in-process transport: rpc's server
 * of {@link BenchService} and rpc's client of it. The server keeps its default of one virtual
 * thread per call's handler; its stream limit is raised above the largest window so the benchmark
 * measures multiplexing, not the limit.
 *
 * <p>Thread-safe as {@link Fixture} says.
 */
final class RpcFixture implements Fixture {
  /** Above the largest window (1024) so no call waits for a stream slot. */
  static final int MAX_CONCURRENT_STREAMS = 4096;
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static final ProtobufCodec<BytesValue> BYTES = ProtobufCodec.of(BytesValue.getDefaultInstance());
  private static final ProtobufCodec<Int64Value> COUNT = ProtobufCodec.of(Int64Value.getDefaultInstance());
  static final MethodDescriptor<BytesValue, BytesValue> UNARY = MethodDescriptor.of(
      MethodDescriptor.fullName(BenchService.NAME, BenchService.UNARY), MethodDescriptor.Kind.UNARY, BYTES, BYTES);
  static final MethodDescriptor<BytesValue, BytesValue> SERVER_STREAM = MethodDescriptor.of(
      MethodDescriptor.fullName(BenchService.NAME, BenchService.SERVER_STREAM), MethodDescriptor.Kind.SERVER_STREAMING,
      BYTES, BYTES);
  static final MethodDescriptor<BytesValue, Int64Value> CLIENT_STREAM = MethodDescriptor.of(
      MethodDescriptor.fullName(BenchService.NAME, BenchService.CLIENT_STREAM), MethodDescriptor.Kind.CLIENT_STREAMING,
      BYTES, COUNT);
  static final MethodDescriptor<BytesValue, BytesValue> PING_PONG = MethodDescriptor.of(
      MethodDescriptor.fullName(BenchService.NAME, BenchService.PING_PONG), MethodDescriptor.Kind.BIDI_STREAMING,
      BYTES, BYTES);

  private final Channel channel;
  private final BenchServer server; // null when the server runs elsewhere

  /** A channel to {@code target}; {@code server}, if not null, is closed after the channel. */
  RpcFixture(String target, BenchServer server) {
    this.channel = Channel.open(target);
    this.server = server;
  }

  /** A fresh in-process address, so that no two servers of one JVM share a name. */
  static String inProcessAddress() {
    return "inprocess:bench-rpc-" + NAMES.incrementAndGet();
  }

  /**
   * Builds and starts rpc's server of {@link BenchService} on {@code address}: {@code 127.0.0.1:PORT}
   * (the Jetty transport) or {@code inprocess:NAME}.
   */
  static BenchServer startServer(String address) throws IOException {
    boolean inProcess = address.startsWith("inprocess:");
    Server built;
    try {
      built = Server.newBuilder()
          .listen(address)
          .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
          .addService(service())
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("rpc-" + (inProcess ? "inprocess" : "jetty")
          + " is not available in this build: " + e.getMessage(), e);
    }
    Server server = built.start();
    String target = inProcess ? address : "127.0.0.1:" + server.port();
    return new BenchServer() {
      @Override
      public String target() {
        return target;
      }

      @Override
      public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(BenchService.CLOSE_GRACE)) {
          server.shutdownNow();
          check(server.awaitTermination(BenchService.WAIT_LIMIT), "server");
        }
      }
    };
  }

  /** {@link BenchService}'s server logic in rpc's blocking style. */
  static ServiceDefinition service() {
    return ServiceDefinition.newBuilder(BenchService.NAME)
        .unary(UNARY, (request, context) -> request)
        .serverStreaming(SERVER_STREAM, (request, responses) -> {
          for (int i = 0; i < BenchService.STREAM_MESSAGES; i++) {
            responses.send(request);
          }
        })
        .clientStreaming(CLIENT_STREAM, requests -> {
          long n = 0;
          while (requests.receive() != null) {
            n++;
          }
          return Int64Value.of(n);
        })
        .bidiStreaming(PING_PONG, stream -> {
          BytesValue message;
          while ((message = stream.receive()) != null) {
            stream.send(message);
          }
        })
        .build();
  }

  private static CallOptions bounded() {
    return CallOptions.DEFAULT.withTimeout(BenchService.WAIT_LIMIT);
  }

  @Override
  public void unary(BytesValue request, Completion done) {
    channel.callAsync(UNARY, request).whenComplete(done);
  }

  @Override
  public BytesValue unaryBlocking(BytesValue request) {
    return channel.call(UNARY, request);
  }

  @Override
  public long serverStreaming(BytesValue request) {
    try (ClientStream<BytesValue, BytesValue> stream = channel.newStream(SERVER_STREAM, bounded())) {
      stream.sendAndClose(request);
      long n = 0;
      while (stream.receive() != null) {
        n++;
      }
      return n;
    }
  }

  @Override
  public long clientStreaming(BytesValue message, int count) {
    try (ClientStream<BytesValue, Int64Value> stream = channel.newStream(CLIENT_STREAM, bounded())) {
      for (int i = 0; i < count; i++) {
        stream.send(message);
      }
      stream.halfClose();
      Int64Value response = stream.receive();
      if (response == null) {
        throw new IllegalStateException("client-streaming call ended without a response");
      }
      return response.getValue();
    }
  }

  @Override
  public PingPong pingPong() {
    ClientStream<BytesValue, BytesValue> stream = channel.newStream(PING_PONG,
        CallOptions.DEFAULT.withTimeout(BenchService.TRIAL_STREAM_DEADLINE));
    return new PingPong() {
      @Override
      public BytesValue roundTrip(BytesValue message) {
        stream.send(message);
        BytesValue echo = stream.receive();
        if (echo == null) {
          throw new IllegalStateException("ping-pong stream ended early: " + stream.status());
        }
        return echo;
      }

      @Override
      public void close() {
        stream.halfClose();
        // the server answers every ping before it sees the half-close, so this ends at once
        while (stream.receive() != null) {
          // drain
        }
        stream.close();
      }
    };
  }

  @Override
  public void close() throws InterruptedException {
    try {
      channel.close();
      if (!channel.awaitTermination(BenchService.CLOSE_GRACE)) {
        channel.shutdownNow();
        check(channel.awaitTermination(BenchService.WAIT_LIMIT), "channel");
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static void check(boolean terminated, String what) {
    if (!terminated) {
      throw new IllegalStateException(what + " did not terminate within " + BenchService.WAIT_LIMIT);
    }
  }
}
