package rpc.interop;

import static rpc.interop.GrpcJavaTestService.ECHO_INITIAL;
import static rpc.interop.GrpcJavaTestService.ECHO_TRAILING;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import rpc.interop.testing.BoolValue;
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
 * The interop cases written a second time, with grpc-java as the client, to run against our
 * server. Unlike our client, grpc-java can see per-message compression (through a stream tracer's
 * wire sizes) and compress per message, so those cases check more here.
 */
final class GrpcJavaClient {
  private static final String SPECIAL = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n";

  private final Channel channel;
  /** Where a case passed in a reduced form against a server without a feature. */
  final List<String> notes = new CopyOnWriteArrayList<>();

  GrpcJavaClient(Channel channel) {
    this.channel = channel;
  }

  private static CallOptions opts() {
    return CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  void run(TestCase c) throws Exception {
    switch (c) {
      case EMPTY_UNARY -> check(unary(GrpcJavaTestService.EMPTY_CALL, Empty.getDefaultInstance()) != null, "null");
      case LARGE_UNARY -> checkLarge(unary(GrpcJavaTestService.UNARY_CALL, large().build()));
      case CLIENT_COMPRESSED_UNARY -> clientCompressedUnary();
      case SERVER_COMPRESSED_UNARY -> serverCompressedUnary();
      case CLIENT_STREAMING -> clientStreaming();
      case CLIENT_COMPRESSED_STREAMING -> clientCompressedStreaming();
      case SERVER_STREAMING -> serverStreaming();
      case SERVER_COMPRESSED_STREAMING -> serverCompressedStreaming();
      case PING_PONG -> pingPong();
      case EMPTY_STREAM -> emptyStream();
      case CUSTOM_METADATA -> customMetadata();
      case STATUS_CODE_AND_MESSAGE -> statusCodeAndMessage("test status message", true);
      case SPECIAL_STATUS_MESSAGE -> statusCodeAndMessage(SPECIAL, false);
      case UNIMPLEMENTED_METHOD -> expect(Status.Code.UNIMPLEMENTED,
          () -> unary(GrpcJavaTestService.UNIMPLEMENTED_CALL, Empty.getDefaultInstance()));
      case UNIMPLEMENTED_SERVICE -> expect(Status.Code.UNIMPLEMENTED,
          () -> unary(GrpcJavaTestService.UNIMPLEMENTED_SERVICE_CALL, Empty.getDefaultInstance()));
      case CANCEL_AFTER_BEGIN -> cancelAfterBegin();
      case CANCEL_AFTER_FIRST_RESPONSE -> cancelAfterFirstResponse();
      case TIMEOUT_ON_SLEEPING_SERVER -> timeoutOnSleepingServer();
      case CONCURRENT_LARGE_UNARY -> concurrentLargeUnary();
    }
  }

  private <Req, Resp> Resp unary(io.grpc.MethodDescriptor<Req, Resp> m, Req req) {
    return ClientCalls.blockingUnaryCall(channel, m, opts(), req);
  }

  private static SimpleRequest.Builder large() {
    return SimpleRequest.newBuilder().setResponseSize(314159).setPayload(zeros(271828));
  }

  private static Payload zeros(int n) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[n])).build();
  }

  private static BoolValue bool(boolean b) {
    return BoolValue.newBuilder().setValue(b).build();
  }

  private static void checkLarge(SimpleResponse r) {
    check(r.getPayload().getBody().equals(ByteString.copyFrom(new byte[314159])), "wrong large response");
  }

  private void probe(Runnable uncompressedClaimingCompressed) {
    try {
      uncompressedClaimingCompressed.run();
      notes.add("probe answered: the server does not check expect_compressed");
    } catch (StatusRuntimeException e) {
      check(e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT, "probe failed with " + e.getStatus());
    }
  }

  private void clientCompressedUnary() {
    SimpleRequest expecting = large().setExpectCompressed(bool(true)).build();
    probe(() -> checkLarge(unary(GrpcJavaTestService.UNARY_CALL, expecting)));
    checkLarge(ClientCalls.blockingUnaryCall(channel, GrpcJavaTestService.UNARY_CALL, opts().withCompression("gzip"),
        expecting));
    checkLarge(unary(GrpcJavaTestService.UNARY_CALL, large().setExpectCompressed(bool(false)).build()));
  }

  /** Records the wire size of every response message, which shows whether it was compressed. */
  private static final class WireSizes extends ClientStreamTracer.Factory {
    final List<Long> sizes = new CopyOnWriteArrayList<>();

    @Override
    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
      return new ClientStreamTracer() {
        @Override
        public void inboundMessageRead(int seqNo, long wireSize, long uncompressedSize) {
          sizes.add(wireSize);
        }
      };
    }
  }

  private void serverCompressedUnary() {
    for (boolean compressed : new boolean[] {true, false}) {
      WireSizes tracer = new WireSizes();
      checkLarge(ClientCalls.blockingUnaryCall(channel, GrpcJavaTestService.UNARY_CALL,
          opts().withStreamTracerFactory(tracer), large().setResponseCompressed(bool(compressed)).build()));
      check(tracer.sizes.size() == 1, "wire sizes " + tracer.sizes);
      check(compressed == (tracer.sizes.getFirst() < 314159), (compressed ? "uncompressed" : "compressed")
          + " response on the wire: " + tracer.sizes.getFirst() + " bytes");
    }
  }

  /** Collects a call's responses and its end, for the streaming cases. */
  private static final class Responses<T> implements StreamObserver<T> {
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    @Override
    public void onNext(T value) {
      queue.add(value);
    }

    @Override
    public void onError(Throwable t) {
      queue.add(t);
    }

    @Override
    public void onCompleted() {
      queue.add(END);
    }

    /** The next response, or null at a successful end; a failed end throws its status. */
    @SuppressWarnings("unchecked")
    T next() throws InterruptedException {
      Object o = queue.poll(30, TimeUnit.SECONDS);
      check(o != null, "no response or end within 30 s");
      if (o == END) {
        return null;
      }
      if (o instanceof Throwable t) {
        throw Status.fromThrowable(t).asRuntimeException();
      }
      return (T) o;
    }
  }

  private void clientStreaming() throws InterruptedException {
    Responses<StreamingInputCallResponse> responses = new Responses<>();
    StreamObserver<StreamingInputCallRequest> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(GrpcJavaTestService.STREAMING_INPUT_CALL, opts()), responses);
    for (int size : new int[] {27182, 8, 1828, 45904}) {
      requests.onNext(StreamingInputCallRequest.newBuilder().setPayload(zeros(size)).build());
    }
    requests.onCompleted();
    checkAggregate(responses, 74922);
  }

  private static void checkAggregate(Responses<StreamingInputCallResponse> responses, int expected)
      throws InterruptedException {
    StreamingInputCallResponse r = responses.next();
    check(r != null && r.getAggregatedPayloadSize() == expected, "aggregate " + r);
    check(responses.next() == null, "more than one response");
  }

  private void clientCompressedStreaming() throws InterruptedException {
    StreamingInputCallRequest first = StreamingInputCallRequest.newBuilder()
        .setExpectCompressed(bool(true)).setPayload(zeros(27182)).build();
    probe(() -> {
      try {
        Responses<StreamingInputCallResponse> responses = new Responses<>();
        StreamObserver<StreamingInputCallRequest> requests = ClientCalls.asyncClientStreamingCall(
            channel.newCall(GrpcJavaTestService.STREAMING_INPUT_CALL, opts()), responses);
        requests.onNext(first);
        requests.onCompleted();
        checkAggregate(responses, 27182);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    Responses<StreamingInputCallResponse> responses = new Responses<>();
    ClientCallStreamObserver<StreamingInputCallRequest> requests =
        (ClientCallStreamObserver<StreamingInputCallRequest>) ClientCalls.asyncClientStreamingCall(
            channel.newCall(GrpcJavaTestService.STREAMING_INPUT_CALL, opts().withCompression("gzip")), responses);
    requests.setMessageCompression(true);
    requests.onNext(first);
    requests.setMessageCompression(false);
    requests.onNext(StreamingInputCallRequest.newBuilder()
        .setExpectCompressed(bool(false)).setPayload(zeros(45904)).build());
    requests.onCompleted();
    checkAggregate(responses, 73086);
  }

  private void serverStreaming() {
    StreamingOutputCallRequest.Builder req = StreamingOutputCallRequest.newBuilder();
    int[] sizes = {31415, 9, 2653, 58979};
    for (int s : sizes) {
      req.addResponseParameters(ResponseParameters.newBuilder().setSize(s));
    }
    Iterator<StreamingOutputCallResponse> it = ClientCalls.blockingServerStreamingCall(channel,
        GrpcJavaTestService.STREAMING_OUTPUT_CALL, opts(), req.build());
    List<Integer> got = new ArrayList<>();
    it.forEachRemaining(r -> got.add(r.getPayload().getBody().size()));
    check(got.equals(Arrays.stream(sizes).boxed().toList()), "response sizes " + got);
  }

  /**
   * The first response must arrive compressed. The second asks not to be: a server choosing
   * compression per call (ours) compresses it too, which is recorded as a note, not a failure.
   */
  private void serverCompressedStreaming() {
    WireSizes tracer = new WireSizes();
    StreamingOutputCallRequest req = StreamingOutputCallRequest.newBuilder()
        .addResponseParameters(ResponseParameters.newBuilder().setCompressed(bool(true)).setSize(31415))
        .addResponseParameters(ResponseParameters.newBuilder().setCompressed(bool(false)).setSize(92653))
        .build();
    List<Integer> got = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(channel, GrpcJavaTestService.STREAMING_OUTPUT_CALL,
        opts().withStreamTracerFactory(tracer), req).forEachRemaining(r -> got.add(r.getPayload().getBody().size()));
    check(got.equals(List.of(31415, 92653)), "response sizes " + got);
    check(tracer.sizes.size() == 2, "wire sizes " + tracer.sizes);
    check(tracer.sizes.get(0) < 31415, "first response not compressed: " + tracer.sizes.get(0) + " bytes");
    if (tracer.sizes.get(1) < 92653) {
      notes.add("second response compressed although it asked not to be: " + tracer.sizes.get(1) + " bytes");
    }
  }

  private static StreamingOutputCallRequest duplexRequest(int responseSize, int payloadSize) {
    return StreamingOutputCallRequest.newBuilder()
        .addResponseParameters(ResponseParameters.newBuilder().setSize(responseSize))
        .setPayload(zeros(payloadSize)).build();
  }

  private void pingPong() throws InterruptedException {
    Responses<StreamingOutputCallResponse> responses = new Responses<>();
    StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), responses);
    int[] in = {27182, 8, 1828, 45904};
    int[] out = {31415, 9, 2653, 58979};
    for (int i = 0; i < in.length; i++) {
      requests.onNext(duplexRequest(out[i], in[i]));
      StreamingOutputCallResponse r = responses.next();
      check(r != null && r.getPayload().getBody().size() == out[i], "response " + i);
    }
    requests.onCompleted();
    check(responses.next() == null, "more responses than requests");
  }

  private void emptyStream() throws InterruptedException {
    Responses<StreamingOutputCallResponse> responses = new Responses<>();
    ClientCalls.asyncBidiStreamingCall(channel.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), responses)
        .onCompleted();
    check(responses.next() == null, "a response on an empty stream");
  }

  private void customMetadata() throws InterruptedException {
    byte[] trailing = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
    Metadata md = new Metadata();
    md.put(ECHO_INITIAL, "test_initial_metadata_value");
    md.put(ECHO_TRAILING, trailing);
    for (boolean duplex : new boolean[] {false, true}) {
      AtomicReference<Metadata> headers = new AtomicReference<>();
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      Channel ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md),
          MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
      if (duplex) {
        Responses<StreamingOutputCallResponse> responses = new Responses<>();
        StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
            ch.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), responses);
        requests.onNext(duplexRequest(314159, 271828));
        requests.onCompleted();
        StreamingOutputCallResponse r = responses.next();
        check(r != null && r.getPayload().getBody().size() == 314159, "wrong FullDuplexCall response");
        check(responses.next() == null, "more than one response");
      } else {
        checkLarge(ClientCalls.blockingUnaryCall(ch, GrpcJavaTestService.UNARY_CALL, opts(), large().build()));
      }
      String method = duplex ? "FullDuplexCall" : "UnaryCall";
      check("test_initial_metadata_value".equals(headers.get().get(ECHO_INITIAL)), method + ": initial " + headers);
      check(Arrays.equals(trailing, trailers.get().get(ECHO_TRAILING)), method + ": trailing " + trailers);
    }
  }

  private void statusCodeAndMessage(String message, boolean alsoDuplex) throws InterruptedException {
    EchoStatus echo = EchoStatus.newBuilder().setCode(2).setMessage(message).build();
    Status s = expect(Status.Code.UNKNOWN,
        () -> unary(GrpcJavaTestService.UNARY_CALL, SimpleRequest.newBuilder().setResponseStatus(echo).build()));
    check(message.equals(s.getDescription()), "UnaryCall message " + s.getDescription());
    if (alsoDuplex) {
      Responses<StreamingOutputCallResponse> responses = new Responses<>();
      StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
          channel.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), responses);
      requests.onNext(StreamingOutputCallRequest.newBuilder().setResponseStatus(echo).build());
      requests.onCompleted();
      Status d = expect(Status.Code.UNKNOWN, () -> {
        try {
          responses.next();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      });
      check(message.equals(d.getDescription()), "FullDuplexCall message " + d.getDescription());
    }
  }

  private void cancelAfterBegin() {
    Responses<StreamingInputCallResponse> responses = new Responses<>();
    ClientCallStreamObserver<StreamingInputCallRequest> requests =
        (ClientCallStreamObserver<StreamingInputCallRequest>) ClientCalls.asyncClientStreamingCall(
            channel.newCall(GrpcJavaTestService.STREAMING_INPUT_CALL, opts()), responses);
    requests.cancel("cancelled by the test", null);
    expectNext(Status.Code.CANCELLED, responses);
  }

  private void cancelAfterFirstResponse() throws InterruptedException {
    Responses<StreamingOutputCallResponse> responses = new Responses<>();
    ClientCallStreamObserver<StreamingOutputCallRequest> requests =
        (ClientCallStreamObserver<StreamingOutputCallRequest>) ClientCalls.asyncBidiStreamingCall(
            channel.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL, opts()), responses);
    requests.onNext(duplexRequest(31415, 27182));
    StreamingOutputCallResponse r = responses.next();
    check(r != null && r.getPayload().getBody().size() == 31415, "first response");
    requests.cancel("cancelled by the test", null);
    expectNext(Status.Code.CANCELLED, responses);
  }

  private void timeoutOnSleepingServer() {
    Responses<StreamingOutputCallResponse> responses = new Responses<>();
    StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(GrpcJavaTestService.FULL_DUPLEX_CALL,
            CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.MILLISECONDS)), responses);
    try {
      requests.onNext(StreamingOutputCallRequest.newBuilder().setPayload(zeros(27182)).build());
    } catch (IllegalStateException e) {
      // the call may have ended already
    }
    expectNext(Status.Code.DEADLINE_EXCEEDED, responses);
  }

  private void concurrentLargeUnary() throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 64; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 4; i++) {
            checkLarge(unary(GrpcJavaTestService.UNARY_CALL, large().build()));
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
  }

  private static void expectNext(Status.Code code, Responses<?> responses) {
    expect(code, () -> {
      try {
        responses.next();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
  }

  private static Status expect(Status.Code code, Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      check(e.getStatus().getCode() == code, "expected " + code + ", got " + e.getStatus());
      return e.getStatus();
    }
    throw new AssertionError("expected " + code + ", but the call succeeded");
  }

  private static void check(boolean ok, String failure) {
    if (!ok) {
      throw new AssertionError(failure);
    }
  }
}
