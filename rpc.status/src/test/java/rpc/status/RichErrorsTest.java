package rpc.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.codec.protobuf.ProtobufCodec;

/**
 * The rich error model end to end: our handlers to our clients over both transports, and both ways
 * with grpc-java's {@code io.grpc.protobuf.StatusProto}.
 */
class RichErrorsTest {
  static final ProtobufCodec<StringValue> CODEC = ProtobufCodec.of(StringValue.getDefaultInstance());
  static final MethodDescriptor<StringValue, StringValue> FAIL =
      MethodDescriptor.of("demo.Errors/Fail", MethodDescriptor.Kind.UNARY, CODEC, CODEC);
  static final MethodDescriptor<StringValue, StringValue> ECHO =
      MethodDescriptor.of("demo.Errors/Echo", MethodDescriptor.Kind.UNARY, CODEC, CODEC);
  static final MethodDescriptor<StringValue, StringValue> FAIL_LATER =
      MethodDescriptor.of("demo.Errors/FailLater", MethodDescriptor.Kind.SERVER_STREAMING, CODEC, CODEC);

  static final com.google.rpc.Status DETAILED = com.google.rpc.Status.newBuilder()
      .setCode(Status.Code.FAILED_PRECONDITION.value())
      .setMessage("quota gone: ünïcode survives")
      .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("QUOTA").setDomain("example.com")
          .putMetadata("limit", "10").build()))
      .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(
          BadRequest.FieldViolation.newBuilder().setField("n").setDescription("too big")).build()))
      .build();

  static ServiceDefinition ours() {
    return ServiceDefinition.newBuilder("demo.Errors")
        .unary(FAIL, (request, context) -> {
          throw StatusProto.toStatusException(DETAILED, new Metadata().put("x-seen", request.getValue()));
        })
        .unary(ECHO, (request, context) -> request)
        .serverStreaming(FAIL_LATER, (request, responses) -> {
          responses.send(StringValue.of("first"));
          throw StatusProto.toStatusException(DETAILED);
        })
        .build();
  }

  static void assertDetailed(Throwable t) {
    assertEquals(DETAILED, StatusProto.fromThrowable(t));
    assertEquals("QUOTA", StatusProto.detail(t, ErrorInfo.class).orElseThrow().getReason());
    assertEquals("n", StatusProto.detail(t, BadRequest.class).orElseThrow().getFieldViolations(0).getField());
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void detailsTravelFromOurHandlerToOurClient(String transport) throws Exception {
    String address = transport.equals("inprocess") ? "inprocess:errors-" + UUID.randomUUID() : "127.0.0.1:0";
    Server server = Server.newBuilder().listen(address).addService(ours()).build().start();
    String target = transport.equals("inprocess") ? address : "127.0.0.1:" + server.port();
    try (Channel channel = Channel.open(target)) {
      StatusException blocking = assertThrows(StatusException.class, () -> channel.call(FAIL, StringValue.of("a")));
      assertEquals(Status.Code.FAILED_PRECONDITION, blocking.status().code());
      assertEquals("quota gone: ünïcode survives", blocking.status().description());
      assertEquals("a", blocking.trailers().get("x-seen"), "other trailers travel beside the details");
      assertDetailed(blocking);

      ExecutionException async = assertThrows(ExecutionException.class,
          () -> channel.callAsync(FAIL, StringValue.of("b")).get(10, TimeUnit.SECONDS));
      assertDetailed(async);

      try (ClientStream<StringValue, StringValue> stream = channel.newStream(FAIL_LATER, CallOptions.DEFAULT)) {
        stream.sendAndClose(StringValue.of("c"));
        assertEquals("first", stream.receive().getValue());
        StatusException streamed = assertThrows(StatusException.class, stream::receive);
        assertDetailed(streamed);
        assertEquals(DETAILED, StatusProto.fromStatusAndTrailers(stream.status(), stream.trailers()));
      }
      assertEquals("still serving", channel.call(ECHO, StringValue.of("still serving")).getValue());
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void grpcJavaReadsTheDetailsOurHandlerSends() throws Exception {
    Server server = Server.newBuilder().listen("127.0.0.1:0").addService(ours()).build().start();
    ManagedChannel grpc = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
          grpc, grpcMethod(io.grpc.MethodDescriptor.MethodType.UNARY, "Fail"), io.grpc.CallOptions.DEFAULT,
          StringValue.of("from grpc-java")));
      assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
      assertEquals(DETAILED, io.grpc.protobuf.StatusProto.fromThrowable(e));
      assertEquals("from grpc-java", e.getTrailers().get(io.grpc.Metadata.Key.of("x-seen", io.grpc.Metadata.ASCII_STRING_MARSHALLER)));

      Iterator<StringValue> streamed = ClientCalls.blockingServerStreamingCall(grpc,
          grpcMethod(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING, "FailLater"), io.grpc.CallOptions.DEFAULT,
          StringValue.of("x"));
      assertEquals("first", streamed.next().getValue());
      StatusRuntimeException later = assertThrows(StatusRuntimeException.class, streamed::hasNext);
      assertEquals(DETAILED, io.grpc.protobuf.StatusProto.fromThrowable(later));
    } finally {
      grpc.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void weReadTheDetailsAGrpcJavaHandlerSends() throws Exception {
    io.grpc.Server grpcServer = grpcJavaServerFailingWith(DETAILED);
    try (Channel channel = Channel.open("127.0.0.1:" + grpcServer.getPort())) {
      StatusException e = assertThrows(StatusException.class, () -> channel.call(FAIL, StringValue.of("x")));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.status().code());
      assertDetailed(e);
    } finally {
      grpcServer.shutdownNow();
      assertTrue(grpcServer.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void detailsBeyondTheHeaderLimitFailClearlyAndFitOnceTheLimitIsRaised() throws Exception {
    com.google.rpc.Status big = DETAILED.toBuilder().addDetails(Any.pack(com.google.rpc.DebugInfo.newBuilder()
        .setDetail("x".repeat(20 * 1024)).build())).build();
    io.grpc.Server grpcServer = grpcJavaServerFailingWith(big);
    try {
      try (Channel channel = Channel.open("127.0.0.1:" + grpcServer.getPort())) {
        StatusException e = assertThrows(StatusException.class, () -> channel.call(FAIL, StringValue.of("x")));
        assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.status().toString());
        assertTrue(e.status().description().contains("jetty.maxHeaderListSize"), e.status().toString());
      }
      try (Channel roomy = Channel.newBuilder("127.0.0.1:" + grpcServer.getPort())
          .option("jetty.maxHeaderListSize", Integer.toString(1024 * 1024)).build()) {
        StatusException e = assertThrows(StatusException.class, () -> roomy.call(FAIL, StringValue.of("x")));
        assertEquals(big, StatusProto.fromThrowable(e));
      }
    } finally {
      grpcServer.shutdownNow();
      assertTrue(grpcServer.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  /** A grpc-java server whose demo.Errors/Fail ends with {@code status}, through grpc-java's StatusProto. */
  static io.grpc.Server grpcJavaServerFailingWith(com.google.rpc.Status status) throws java.io.IOException {
    ServerServiceDefinition theirs = ServerServiceDefinition.builder("demo.Errors")
        .addMethod(grpcMethod(io.grpc.MethodDescriptor.MethodType.UNARY, "Fail"),
            ServerCalls.asyncUnaryCall((request, observer) -> observer.onError(
                io.grpc.protobuf.StatusProto.toStatusRuntimeException(status))))
        .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(theirs).build().start();
  }

  static io.grpc.MethodDescriptor<StringValue, StringValue> grpcMethod(io.grpc.MethodDescriptor.MethodType type,
      String name) {
    return io.grpc.MethodDescriptor.<StringValue, StringValue>newBuilder()
        .setType(type)
        .setFullMethodName("demo.Errors/" + name)
        .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
        .build();
  }
}
