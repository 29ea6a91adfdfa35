package rpc.transport.jetty.interop;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.codec.protobuf.ProtobufCodec;

/**
 * One test service, written twice: once on our API, once on grpc-java's, with the same methods and
 * behavior, so each client can be run against each server. Messages are protobuf
 * {@code BytesValue}s; grpc-java needs no code generation for that.
 *
 * <ul>
 *   <li>{@code Echo} (unary): returns the request ({@code deadline?}: what is left of the call's
 *       deadline, on our server). A request header {@code x-compress: gzip} makes the server compress
 *       its response.
 *   <li>{@code Meta} (unary): sends response headers {@code x-echo} (the request's {@code x-req})
 *       and {@code x-echo-bin} (the request's {@code x-req-bin}), then the request, then trailers
 *       {@code x-trailer} and {@code x-trailer-bin}.
 *   <li>{@code Fail} (unary): fails with the code named by the request and the message
 *       {@code ünïcödé ✓ CODE}.
 *   <li>{@code Sleep} (unary): never answers; counts down {@link #cancelled} when cancelled.
 *   <li>{@code Concat} (client streaming): concatenates the requests.
 *   <li>{@code Count} (server streaming): sends the request's decimal number of messages, each its
 *       index; {@code forever} sends until cancelled, then counts down {@link #cancelled}.
 *   <li>{@code Chat} (bidi): echoes each request.
 * </ul>
 */
final class InteropService {
  static final String NAME = "interop.Test";
  static final ProtobufCodec<BytesValue> CODEC = ProtobufCodec.of(BytesValue.getDefaultInstance());
  static final String FAIL_MESSAGE = "ünïcödé ✓ ";

  /** Counted down when Sleep or Count(forever) sees its call cancelled. */
  final CountDownLatch cancelled = new CountDownLatch(1);

  static BytesValue bytes(String s) {
    return BytesValue.of(ByteString.copyFromUtf8(s));
  }

  static String text(BytesValue v) {
    return v.getValue().toString(StandardCharsets.UTF_8);
  }

  // ---- our side ----

  static MethodDescriptor<BytesValue, BytesValue> ours(String method,
      MethodDescriptor.Kind kind) {
    return MethodDescriptor.of(NAME + "/" + method, kind, CODEC, CODEC);
  }

  static final MethodDescriptor<BytesValue, BytesValue> ECHO = ours("Echo", MethodDescriptor.Kind.UNARY);
  static final MethodDescriptor<BytesValue, BytesValue> META = ours("Meta", MethodDescriptor.Kind.UNARY);
  static final MethodDescriptor<BytesValue, BytesValue> FAIL = ours("Fail", MethodDescriptor.Kind.UNARY);
  static final MethodDescriptor<BytesValue, BytesValue> SLEEP = ours("Sleep", MethodDescriptor.Kind.UNARY);
  static final MethodDescriptor<BytesValue, BytesValue> CONCAT = ours("Concat", MethodDescriptor.Kind.CLIENT_STREAMING);
  static final MethodDescriptor<BytesValue, BytesValue> COUNT = ours("Count", MethodDescriptor.Kind.SERVER_STREAMING);
  static final MethodDescriptor<BytesValue, BytesValue> CHAT = ours("Chat", MethodDescriptor.Kind.BIDI_STREAMING);

  ServiceDefinition ourService() {
    return ServiceDefinition.newBuilder(NAME)
        .unary(ECHO, (req, ctx) -> {
          if ("gzip".equals(ctx.requestHeaders().get("x-compress"))) {
            ctx.setResponseCompression("gzip");
          }
          if (text(req).equals("deadline?")) {
            return bytes(ctx.deadline() == null ? "none" : ctx.deadline().remaining().toSeconds() + "s");
          }
          return req;
        })
        .<BytesValue, BytesValue>method(META, stream -> {
          Metadata in = stream.context().requestHeaders();
          BytesValue req = stream.receive();
          Metadata headers = new Metadata();
          if (in.get("x-req") != null) {
            headers.put("x-echo", in.get("x-req"));
          }
          if (in.getBinary("x-req-bin") != null) {
            headers.putBinary("x-echo-bin", in.getBinary("x-req-bin"));
          }
          stream.sendHeaders(headers);
          stream.send(req);
          stream.context().responseTrailers().put("x-trailer", "end").putBinary("x-trailer-bin", new byte[] {0, -1, 7});
        })
        .unary(FAIL, (req, ctx) -> {
          Status.Code code = Status.Code.valueOf(text(req));
          throw Status.of(code, FAIL_MESSAGE + code).asException();
        })
        .unary(SLEEP, (req, ctx) -> {
          ctx.onCancel(cancelled::countDown);
          Thread.sleep(TimeUnit.MINUTES.toMillis(1)); // interrupted on cancellation
          return req;
        })
        .clientStreaming(CONCAT, stream -> {
          StringBuilder sb = new StringBuilder();
          BytesValue m;
          while ((m = stream.receive()) != null) {
            sb.append(text(m));
          }
          return bytes(sb.toString());
        })
        .serverStreaming(COUNT, (req, stream) -> {
          String n = text(req);
          if (n.equals("forever")) {
            try {
              for (long i = 0; ; i++) {
                stream.send(bytes(Long.toString(i)));
              }
            } catch (StatusException e) {
              cancelled.countDown();
              throw e;
            }
          }
          for (int i = 0; i < Integer.parseInt(n); i++) {
            stream.send(bytes(Integer.toString(i)));
          }
        })
        .bidiStreaming(CHAT, stream -> {
          BytesValue m;
          while ((m = stream.receive()) != null) {
            stream.send(m);
          }
        })
        .build();
  }

  // ---- grpc-java's side ----

  static io.grpc.MethodDescriptor<BytesValue, BytesValue> theirs(String method, io.grpc.MethodDescriptor.MethodType type) {
    return io.grpc.MethodDescriptor.<BytesValue, BytesValue>newBuilder()
        .setFullMethodName(NAME + "/" + method)
        .setType(type)
        .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(BytesValue.getDefaultInstance()))
        .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(BytesValue.getDefaultInstance()))
        .build();
  }

  static final io.grpc.MethodDescriptor<BytesValue, BytesValue> G_ECHO =
      theirs("Echo", io.grpc.MethodDescriptor.MethodType.UNARY);
  static final io.grpc.MethodDescriptor<BytesValue, BytesValue> G_META =
      theirs("Meta", io.grpc.MethodDescriptor.MethodType.UNARY);
  static final io.grpc.MethodDescriptor<BytesValue, BytesValue> G_FAIL =
      theirs("Fail", io.grpc.MethodDescriptor.MethodType.UNARY);
  static final io.grpc.MethodDescriptor<BytesValue, BytesValue> G_SLEEP =
      theirs("Sleep", io.grpc.MethodDescriptor.MethodType.UNARY);
  static final io.grpc.MethodDescriptor<BytesValue, BytesValue> G_CONCAT =
      theirs("Concat", io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING);
  static final io.grpc.MethodDescriptor<BytesValue, BytesValue> G_COUNT =
      theirs("Count", io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING);
  static final io.grpc.MethodDescriptor<BytesValue, BytesValue> G_CHAT =
      theirs("Chat", io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING);

  static final io.grpc.Metadata.Key<String> X_COMPRESS =
      io.grpc.Metadata.Key.of("x-compress", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  static final io.grpc.Metadata.Key<String> X_REQ = io.grpc.Metadata.Key.of("x-req", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  static final io.grpc.Metadata.Key<byte[]> X_REQ_BIN = io.grpc.Metadata.Key.of("x-req-bin", io.grpc.Metadata.BINARY_BYTE_MARSHALLER);
  static final io.grpc.Metadata.Key<String> X_ECHO = io.grpc.Metadata.Key.of("x-echo", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  static final io.grpc.Metadata.Key<byte[]> X_ECHO_BIN =
      io.grpc.Metadata.Key.of("x-echo-bin", io.grpc.Metadata.BINARY_BYTE_MARSHALLER);
  static final io.grpc.Metadata.Key<String> X_TRAILER =
      io.grpc.Metadata.Key.of("x-trailer", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  static final io.grpc.Metadata.Key<byte[]> X_TRAILER_BIN =
      io.grpc.Metadata.Key.of("x-trailer-bin", io.grpc.Metadata.BINARY_BYTE_MARSHALLER);
  static final io.grpc.Metadata.Key<String> GRPC_ENCODING =
      io.grpc.Metadata.Key.of("grpc-encoding", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  static final io.grpc.Metadata.Key<String> GRPC_TIMEOUT =
      io.grpc.Metadata.Key.of("grpc-timeout", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
  static final io.grpc.Metadata.Key<String> USER_AGENT =
      io.grpc.Metadata.Key.of("user-agent", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  /** The deadline grpc-java's last Echo call had, in whole seconds left, or -1 for none. */
  volatile long lastDeadlineSeconds = -2;

  /** The request headers the last grpc-java server call saw (set by {@link #theirService}). */
  volatile io.grpc.Metadata lastRequestHeaders;

  ServerServiceDefinition theirService() {
    ServerCallHandler<BytesValue, BytesValue> meta = new ServerCallHandler<>() {
      @Override
      public io.grpc.ServerCall.Listener<BytesValue> startCall(io.grpc.ServerCall<BytesValue, BytesValue> call,
          io.grpc.Metadata headers) {
        call.request(1);
        return new io.grpc.ServerCall.Listener<>() {
          @Override
          public void onMessage(BytesValue message) {
            io.grpc.Metadata out = new io.grpc.Metadata();
            if (headers.get(X_REQ) != null) {
              out.put(X_ECHO, headers.get(X_REQ));
            }
            if (headers.get(X_REQ_BIN) != null) {
              out.put(X_ECHO_BIN, headers.get(X_REQ_BIN));
            }
            call.sendHeaders(out);
            call.sendMessage(message);
            io.grpc.Metadata trailers = new io.grpc.Metadata();
            trailers.put(X_TRAILER, "end");
            trailers.put(X_TRAILER_BIN, new byte[] {0, -1, 7});
            call.close(io.grpc.Status.OK, trailers);
          }
        };
      }
    };
    ServerCallHandler<BytesValue, BytesValue> echo = new ServerCallHandler<>() {
      @Override
      public io.grpc.ServerCall.Listener<BytesValue> startCall(io.grpc.ServerCall<BytesValue, BytesValue> call,
          io.grpc.Metadata headers) {
        lastRequestHeaders = headers;
        io.grpc.Deadline d = io.grpc.Context.current().getDeadline();
        lastDeadlineSeconds = d == null ? -1 : d.timeRemaining(TimeUnit.SECONDS);
        call.request(1);
        return new io.grpc.ServerCall.Listener<>() {
          @Override
          public void onMessage(BytesValue message) {
            if ("gzip".equals(headers.get(X_COMPRESS))) {
              call.setCompression("gzip");
            }
            call.sendHeaders(new io.grpc.Metadata());
            call.sendMessage(message);
            call.close(io.grpc.Status.OK, new io.grpc.Metadata());
          }
        };
      }
    };
    return ServerServiceDefinition.builder(NAME)
        .addMethod(G_ECHO, echo)
        .addMethod(G_META, meta)
        .addMethod(G_FAIL, ServerCalls.asyncUnaryCall((req, obs) -> {
          io.grpc.Status.Code code = io.grpc.Status.Code.valueOf(text(req));
          obs.onError(io.grpc.Status.fromCode(code).withDescription(FAIL_MESSAGE + code).asRuntimeException());
        }))
        .addMethod(G_SLEEP, ServerCalls.asyncUnaryCall((req, obs) -> {
          ((ServerCallStreamObserver<BytesValue>) obs).setOnCancelHandler(cancelled::countDown);
        }))
        .addMethod(G_CONCAT, ServerCalls.asyncClientStreamingCall(obs -> new StreamObserver<BytesValue>() {
          private final StringBuilder sb = new StringBuilder();

          @Override
          public void onNext(BytesValue value) {
            sb.append(text(value));
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            obs.onNext(bytes(sb.toString()));
            obs.onCompleted();
          }
        }))
        .addMethod(G_COUNT, ServerCalls.asyncServerStreamingCall((req, obs) -> {
          String n = text(req);
          if (n.equals("forever")) {
            ServerCallStreamObserver<BytesValue> s = (ServerCallStreamObserver<BytesValue>) obs;
            s.setOnCancelHandler(cancelled::countDown);
            long[] next = {0};
            s.setOnReadyHandler(() -> {
              while (s.isReady() && !s.isCancelled()) {
                s.onNext(bytes(Long.toString(next[0]++)));
              }
            });
            return;
          }
          for (int i = 0; i < Integer.parseInt(n); i++) {
            obs.onNext(bytes(Integer.toString(i)));
          }
          obs.onCompleted();
        }))
        .addMethod(G_CHAT, ServerCalls.asyncBidiStreamingCall(obs -> new StreamObserver<BytesValue>() {
          @Override
          public void onNext(BytesValue value) {
            obs.onNext(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            obs.onCompleted();
          }
        }))
        .build();
  }
}
