package rpc.interop;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import rpc.interop.testing.EchoStatus;
import rpc.interop.testing.Empty;
import rpc.interop.testing.Payload;
import rpc.interop.testing.ResponseParameters;
import rpc.interop.testing.SimpleRequest;
import rpc.interop.testing.SimpleResponse;
import rpc.interop.testing.StreamingInputCallRequest;
import rpc.interop.testing.StreamingInputCallResponse;
import rpc.interop.testing.StreamingOutputCallRequest;
import rpc.interop.testing.StreamingOutputCallResponse;

/**
 * {@code grpc.testing.TestService} implemented with grpc-java alone, without its code generator:
 * grpc-java method descriptors over our generated message classes. It implements the full server
 * side of the interop descriptions, including the check of {@code expect_compressed} (from the
 * request's {@code grpc-encoding}) and per-message response compression. {@code UnimplementedCall} is
 * not registered, so grpc-java answers it {@code UNIMPLEMENTED} as it does any unknown method.
 */
final class GrpcJavaTestService {
  static final String SERVICE = "grpc.testing.TestService";

  static final MethodDescriptor<Empty, Empty> EMPTY_CALL = method("EmptyCall", MethodDescriptor.MethodType.UNARY,
      Empty.getDefaultInstance(), Empty.getDefaultInstance());
  static final MethodDescriptor<SimpleRequest, SimpleResponse> UNARY_CALL = method("UnaryCall",
      MethodDescriptor.MethodType.UNARY, SimpleRequest.getDefaultInstance(), SimpleResponse.getDefaultInstance());
  static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse> STREAMING_OUTPUT_CALL =
      method("StreamingOutputCall", MethodDescriptor.MethodType.SERVER_STREAMING,
          StreamingOutputCallRequest.getDefaultInstance(), StreamingOutputCallResponse.getDefaultInstance());
  static final MethodDescriptor<StreamingInputCallRequest, StreamingInputCallResponse> STREAMING_INPUT_CALL =
      method("StreamingInputCall", MethodDescriptor.MethodType.CLIENT_STREAMING,
          StreamingInputCallRequest.getDefaultInstance(), StreamingInputCallResponse.getDefaultInstance());
  static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse> FULL_DUPLEX_CALL =
      method("FullDuplexCall", MethodDescriptor.MethodType.BIDI_STREAMING,
          StreamingOutputCallRequest.getDefaultInstance(), StreamingOutputCallResponse.getDefaultInstance());
  static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse> HALF_DUPLEX_CALL =
      method("HalfDuplexCall", MethodDescriptor.MethodType.BIDI_STREAMING,
          StreamingOutputCallRequest.getDefaultInstance(), StreamingOutputCallResponse.getDefaultInstance());
  static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_CALL = method("UnimplementedCall",
      MethodDescriptor.MethodType.UNARY, Empty.getDefaultInstance(), Empty.getDefaultInstance());
  static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_SERVICE_CALL = MethodDescriptor.<Empty, Empty>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("grpc.testing.UnimplementedService/UnimplementedCall")
      .setRequestMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
      .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
      .build();

  static final Metadata.Key<String> ECHO_INITIAL = Metadata.Key.of("x-grpc-test-echo-initial",
      Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<byte[]> ECHO_TRAILING = Metadata.Key.of("x-grpc-test-echo-trailing-bin",
      Metadata.BINARY_BYTE_MARSHALLER);
  private static final Metadata.Key<String> ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Boolean> REQUEST_COMPRESSED = Context.key("request-compressed");

  private GrpcJavaTestService() {}

  private static <Req extends Message, Resp extends Message> MethodDescriptor<Req, Resp> method(String name,
      MethodDescriptor.MethodType type, Req request, Resp response) {
    return MethodDescriptor.<Req, Resp>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }

  /** The service with its two interceptors: request-compression capture and metadata echo. */
  static ServerServiceDefinition definition() {
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(EMPTY_CALL, ServerCalls.asyncUnaryCall((req, obs) -> {
          obs.onNext(Empty.getDefaultInstance());
          obs.onCompleted();
        }))
        .addMethod(UNARY_CALL, ServerCalls.asyncUnaryCall(GrpcJavaTestService::unaryCall))
        .addMethod(STREAMING_OUTPUT_CALL, ServerCalls.asyncServerStreamingCall((req, obs) -> {
          if (respond(req, obs, true)) {
            obs.onCompleted();
          }
        }))
        .addMethod(STREAMING_INPUT_CALL, ServerCalls.asyncClientStreamingCall(GrpcJavaTestService::streamingInputCall))
        .addMethod(FULL_DUPLEX_CALL, ServerCalls.asyncBidiStreamingCall(obs -> duplex(obs, false)))
        .addMethod(HALF_DUPLEX_CALL, ServerCalls.asyncBidiStreamingCall(obs -> duplex(obs, true)))
        .build();
    return ServerInterceptors.intercept(service, new EchoMetadata(), new CompressionCapture());
  }

  private static void unaryCall(SimpleRequest req, StreamObserver<SimpleResponse> obs) {
    ServerCallStreamObserver<SimpleResponse> out = (ServerCallStreamObserver<SimpleResponse>) obs;
    if (req.hasResponseCompressed()) {
      out.setCompression("gzip");
      out.setMessageCompression(req.getResponseCompressed().getValue());
    }
    if (req.hasExpectCompressed() && req.getExpectCompressed().getValue() && !REQUEST_COMPRESSED.get()) {
      obs.onError(Status.INVALID_ARGUMENT.withDescription("expected a compressed request").asRuntimeException());
      return;
    }
    if (fail(req.hasResponseStatus() ? req.getResponseStatus() : null, obs)) {
      return;
    }
    obs.onNext(SimpleResponse.newBuilder().setPayload(zeros(req.getResponseSize())).build());
    obs.onCompleted();
  }

  private static StreamObserver<StreamingInputCallRequest> streamingInputCall(
      StreamObserver<StreamingInputCallResponse> obs) {
    return new StreamObserver<>() {
      private int total;
      private boolean failed;

      @Override
      public void onNext(StreamingInputCallRequest r) {
        if (failed) {
          return;
        }
        if (r.hasExpectCompressed() && r.getExpectCompressed().getValue() && !REQUEST_COMPRESSED.get()) {
          failed = true;
          obs.onError(Status.INVALID_ARGUMENT.withDescription("expected a compressed request").asRuntimeException());
          return;
        }
        total += r.getPayload().getBody().size();
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        if (!failed) {
          obs.onNext(StreamingInputCallResponse.newBuilder().setAggregatedPayloadSize(total).build());
          obs.onCompleted();
        }
      }
    };
  }

  private static StreamObserver<StreamingOutputCallRequest> duplex(StreamObserver<StreamingOutputCallResponse> obs,
      boolean buffered) {
    List<StreamingOutputCallRequest> held = new ArrayList<>();
    return new StreamObserver<>() {
      private boolean done;
      private boolean first = true;

      private boolean respondTo(StreamingOutputCallRequest r) {
        boolean ok = respond(r, obs, first);
        first = false;
        return ok;
      }

      @Override
      public void onNext(StreamingOutputCallRequest r) {
        if (done) {
          return;
        }
        if (buffered) {
          held.add(r);
        } else {
          done = !respondTo(r);
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        for (StreamingOutputCallRequest r : held) {
          if (done) {
            return;
          }
          done = !respondTo(r);
        }
        if (!done) {
          obs.onCompleted();
        }
      }
    };
  }

  /**
   * Sends the responses of one request; false when it ended the call with an echoed status. The
   * call's encoding is set before its first response; each message then turns compression on or off.
   */
  private static boolean respond(StreamingOutputCallRequest req, StreamObserver<StreamingOutputCallResponse> obs,
      boolean firstOfCall) {
    if (fail(req.hasResponseStatus() ? req.getResponseStatus() : null, obs)) {
      return false;
    }
    ServerCallStreamObserver<StreamingOutputCallResponse> out = (ServerCallStreamObserver<StreamingOutputCallResponse>) obs;
    if (firstOfCall) {
      out.setCompression("gzip");
    }
    for (ResponseParameters p : req.getResponseParametersList()) {
      if (p.getIntervalUs() > 0) {
        try {
          TimeUnit.MICROSECONDS.sleep(p.getIntervalUs());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      out.setMessageCompression(p.hasCompressed() && p.getCompressed().getValue());
      obs.onNext(StreamingOutputCallResponse.newBuilder().setPayload(zeros(p.getSize())).build());
    }
    return true;
  }

  private static boolean fail(EchoStatus echo, StreamObserver<?> obs) {
    if (echo == null || echo.getCode() == 0) {
      return false;
    }
    obs.onError(Status.fromCodeValue(echo.getCode()).withDescription(echo.getMessage()).asRuntimeException());
    return true;
  }

  private static Payload zeros(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
  }

  /** Whether the request came with a {@code grpc-encoding} other than identity, for the handlers. */
  private static final class CompressionCapture implements ServerInterceptor {
    @Override
    public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers,
        ServerCallHandler<Req, Resp> next) {
      String encoding = headers.get(ENCODING);
      boolean compressed = encoding != null && !encoding.equals("identity");
      return Contexts.interceptCall(Context.current().withValue(REQUEST_COMPRESSED, compressed), call, headers, next);
    }
  }

  /** Echoes the initial metadata into the response headers and the trailing one into the trailers. */
  private static final class EchoMetadata implements ServerInterceptor {
    @Override
    public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers,
        ServerCallHandler<Req, Resp> next) {
      String initial = headers.get(ECHO_INITIAL);
      byte[] trailing = headers.get(ECHO_TRAILING);
      return next.startCall(new SimpleForwardingServerCall<>(call) {
        @Override
        public void sendHeaders(Metadata responseHeaders) {
          if (initial != null) {
            responseHeaders.put(ECHO_INITIAL, initial);
          }
          super.sendHeaders(responseHeaders);
        }

        @Override
        public void close(Status status, Metadata trailers) {
          if (trailing != null) {
            trailers.put(ECHO_TRAILING, trailing);
          }
          super.close(status, trailers);
        }
      }, headers);
    }
  }
}
