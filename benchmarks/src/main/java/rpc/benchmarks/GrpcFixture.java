package rpc.benchmarks;

import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * grpc-java 1.85 over Netty ({@code 127.0.0.1}, plaintext HTTP/2) or its in-process transport,
 * either with grpc-java's default executors or with {@code directExecutor()} on both the client
 * and the server. Everything else is grpc-java's default. Built without grpc codegen: method
 * descriptors over {@link ProtoUtils#marshaller} and handlers from {@link ServerCalls}.
 *
 * <p>Thread-safe as {@link Fixture} says.
 */
final class GrpcFixture implements Fixture {
  private static final AtomicInteger NAMES = new AtomicInteger();

  static final MethodDescriptor<BytesValue, BytesValue> UNARY = method(BenchService.UNARY, MethodType.UNARY,
      BytesValue.getDefaultInstance());
  static final MethodDescriptor<BytesValue, BytesValue> SERVER_STREAM = method(BenchService.SERVER_STREAM,
      MethodType.SERVER_STREAMING, BytesValue.getDefaultInstance());
  static final MethodDescriptor<BytesValue, Int64Value> CLIENT_STREAM = method(BenchService.CLIENT_STREAM,
      MethodType.CLIENT_STREAMING, Int64Value.getDefaultInstance());
  static final MethodDescriptor<BytesValue, BytesValue> PING_PONG = method(BenchService.PING_PONG,
      MethodType.BIDI_STREAMING, BytesValue.getDefaultInstance());

  private final ManagedChannel channel;
  private final BenchServer server; // null when the server runs elsewhere

  private GrpcFixture(ManagedChannel channel, BenchServer server) {
    this.channel = channel;
    this.server = server;
  }

  /**
   * A channel to {@code target}: {@code host:port} over Netty (plaintext), or an in-process name;
   * with {@code directExecutor()} if {@code direct}. {@code server}, if not null, is closed after
   * the channel.
   */
  static GrpcFixture connect(boolean netty, boolean direct, String target, BenchServer server) {
    ManagedChannelBuilder<?> builder;
    if (netty) {
      int colon = target.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("not host:port: " + target);
      }
      String host = target.substring(0, colon);
      int port = Integer.parseInt(target.substring(colon + 1));
      builder = NettyChannelBuilder.forAddress(host, port).usePlaintext();
    } else {
      builder = InProcessChannelBuilder.forName(target);
    }
    if (direct) {
      builder.directExecutor();
    }
    return new GrpcFixture(builder.build(), server);
  }

  /**
   * Builds and starts grpc-java's server of {@link BenchService}: over Netty on
   * {@code 127.0.0.1:port} ({@code 0} for any free port), or in-process under a fresh name
   * ({@code port} ignored); with {@code directExecutor()} if {@code direct}.
   */
  static BenchServer startServer(boolean netty, boolean direct, int port) throws IOException {
    ServerBuilder<?> builder;
    String name = null;
    if (netty) {
      builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
    } else {
      name = "bench-grpc-" + NAMES.incrementAndGet();
      builder = InProcessServerBuilder.forName(name);
    }
    builder.addService(service());
    if (direct) {
      builder.directExecutor();
    }
    Server server = builder.build().start();
    String target = netty ? "127.0.0.1:" + server.getPort() : name;
    return new BenchServer() {
      @Override
      public String target() {
        return target;
      }

      @Override
      public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(BenchService.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          server.shutdownNow();
          check(server.awaitTermination(BenchService.WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS), "server");
        }
      }
    };
  }

  private static <Resp extends Message> MethodDescriptor<BytesValue, Resp> method(String name, MethodType type,
      Resp responseDefault) {
    return MethodDescriptor.<BytesValue, Resp>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(BenchService.NAME, name))
        .setRequestMarshaller(ProtoUtils.marshaller(BytesValue.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(responseDefault))
        .build();
  }

  /** The same server logic as {@link RpcFixture#service()}, in grpc-java's observer style. */
  static ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(BenchService.NAME)
        .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, responses) -> {
          responses.onNext(request);
          responses.onCompleted();
        }))
        .addMethod(SERVER_STREAM, ServerCalls.asyncServerStreamingCall((request, responses) -> {
          for (int i = 0; i < BenchService.STREAM_MESSAGES; i++) {
            responses.onNext(request);
          }
          responses.onCompleted();
        }))
        .addMethod(CLIENT_STREAM, ServerCalls.asyncClientStreamingCall(responses -> new StreamObserver<BytesValue>() {
          private long n;

          @Override
          public void onNext(BytesValue value) {
            n++;
          }

          @Override
          public void onError(Throwable t) {
            // the client went away; nothing to answer
          }

          @Override
          public void onCompleted() {
            responses.onNext(Int64Value.of(n));
            responses.onCompleted();
          }
        }))
        .addMethod(PING_PONG, ServerCalls.asyncBidiStreamingCall(responses -> new StreamObserver<BytesValue>() {
          @Override
          public void onNext(BytesValue value) {
            responses.onNext(value);
          }

          @Override
          public void onError(Throwable t) {
            // the client went away
          }

          @Override
          public void onCompleted() {
            responses.onCompleted();
          }
        }))
        .build();
  }

  private static CallOptions bounded() {
    return CallOptions.DEFAULT.withDeadlineAfter(BenchService.WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(BenchService.WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void unary(BytesValue request, Completion done) {
    ClientCalls.asyncUnaryCall(channel.newCall(UNARY, CallOptions.DEFAULT), request, done);
  }

  @Override
  public BytesValue unaryBlocking(BytesValue request) {
    return ClientCalls.blockingUnaryCall(channel, UNARY, CallOptions.DEFAULT, request);
  }

  @Override
  public long serverStreaming(BytesValue request) throws Exception {
    // grpc-java's asynchronous observer: its idiomatic and fastest client for streaming responses
    CompletableFuture<Long> end = new CompletableFuture<>();
    ClientCalls.asyncServerStreamingCall(channel.newCall(SERVER_STREAM, bounded()), request,
        new StreamObserver<BytesValue>() {
          private long n; // callbacks are serialized

          @Override
          public void onNext(BytesValue value) {
            n++;
          }

          @Override
          public void onError(Throwable t) {
            end.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            end.complete(n);
          }
        });
    return await(end);
  }

  @Override
  public long clientStreaming(BytesValue message, int count) throws Exception {
    CompletableFuture<Long> end = new CompletableFuture<>();
    StreamObserver<BytesValue> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(CLIENT_STREAM, bounded()), new StreamObserver<Int64Value>() {
          @Override
          public void onNext(Int64Value value) {
            end.complete(value.getValue());
          }

          @Override
          public void onError(Throwable t) {
            end.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            end.complete(-1L); // only if no response came first
          }
        });
    // sent without waiting for isReady(), as most grpc-java clients do: at most count messages queue up
    for (int i = 0; i < count; i++) {
      requests.onNext(message);
    }
    requests.onCompleted();
    return await(end);
  }

  @Override
  public PingPong pingPong() {
    BlockingQueue<Object> echoes = new ArrayBlockingQueue<>(4);
    Object end = new Object();
    StreamObserver<BytesValue> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(PING_PONG, CallOptions.DEFAULT.withDeadlineAfter(
            BenchService.TRIAL_STREAM_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)),
        new StreamObserver<BytesValue>() {
          @Override
          public void onNext(BytesValue value) {
            echoes.add(value);
          }

          @Override
          public void onError(Throwable t) {
            echoes.add(t);
          }

          @Override
          public void onCompleted() {
            echoes.add(end);
          }
        });
    return new PingPong() {
      @Override
      public BytesValue roundTrip(BytesValue message) throws Exception {
        requests.onNext(message);
        Object echo = echoes.poll(BenchService.WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        if (echo instanceof BytesValue value) {
          return value;
        }
        throw new IllegalStateException("ping-pong stream ended early: " + echo);
      }

      @Override
      public void close() throws Exception {
        requests.onCompleted();
        Object last = echoes.poll(BenchService.WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        if (last != end) {
          throw new IllegalStateException("ping-pong stream did not end cleanly: " + last);
        }
      }
    };
  }

  @Override
  public void close() throws InterruptedException {
    try {
      channel.shutdown();
      if (!channel.awaitTermination(BenchService.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        channel.shutdownNow();
        check(channel.awaitTermination(BenchService.WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS), "channel");
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
