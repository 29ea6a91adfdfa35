package rpc.interop.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.interop.TestCase;
import rpc.interop.testing.BoolValue;
import rpc.interop.testing.EchoStatus;
import rpc.interop.testing.Empty;
import rpc.interop.testing.ResponseParameters;
import rpc.interop.testing.SimpleRequest;
import rpc.interop.testing.SimpleResponse;
import rpc.interop.testing.StreamingInputCallRequest;
import rpc.interop.testing.StreamingInputCallResponse;
import rpc.interop.testing.StreamingOutputCallRequest;
import rpc.interop.testing.StreamingOutputCallResponse;
import rpc.interop.testing.TestServiceRpc;
import rpc.interop.testing.UnimplementedServiceRpc;

/**
 * The client side of each interop case, following grpc's interop test descriptions. A case
 * returns normally when it passed and throws when it failed ({@link AssertionError} for a wrong
 * answer, {@link StatusException} for an unexpected status).
 *
 * <p>Thread-safe: immutable; each {@link #run} uses only its own calls.
 */
public final class Cases {
  static final int LARGE_REQUEST = 271828;
  static final int LARGE_RESPONSE = 314159;
  static final int[] REQUEST_SIZES = {27182, 8, 1828, 45904};
  static final int[] RESPONSE_SIZES = {31415, 9, 2653, 58979};
  static final String SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n";

  private final Channel channel;
  private final CallOptions options;
  private final TestServiceRpc.Client service;
  private final Consumer<String> notes;
  private final int threads;
  private final int callsPerThread;

  /**
   * Cases calling on {@code channel} with {@code options} (which carry the case's deadline);
   * {@code notes} receives remarks about cases that passed in a reduced form.
   */
  public Cases(Channel channel, CallOptions options, Consumer<String> notes, int threads, int callsPerThread) {
    this.channel = channel;
    this.options = options;
    this.service = TestServiceRpc.newClient(channel, options);
    this.notes = notes;
    this.threads = threads;
    this.callsPerThread = callsPerThread;
  }

  /** Runs one case. */
  public void run(TestCase c) throws Exception {
    switch (c) {
      case EMPTY_UNARY -> check(service.emptyCall(Empty.getDefaultInstance()) != null, "null response");
      case LARGE_UNARY -> largeUnary(service);
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
      case SPECIAL_STATUS_MESSAGE -> statusCodeAndMessage(SPECIAL_MESSAGE, false);
      case UNIMPLEMENTED_METHOD -> expectStatus(Status.Code.UNIMPLEMENTED,
          () -> service.unimplementedCall(Empty.getDefaultInstance()));
      case UNIMPLEMENTED_SERVICE -> expectStatus(Status.Code.UNIMPLEMENTED,
          () -> UnimplementedServiceRpc.newClient(channel, options).unimplementedCall(Empty.getDefaultInstance()));
      case CANCEL_AFTER_BEGIN -> cancelAfterBegin();
      case CANCEL_AFTER_FIRST_RESPONSE -> cancelAfterFirstResponse();
      case TIMEOUT_ON_SLEEPING_SERVER -> timeoutOnSleepingServer();
      case CONCURRENT_LARGE_UNARY -> concurrentLargeUnary();
    }
  }

  static SimpleRequest largeRequest() {
    return SimpleRequest.newBuilder().setResponseSize(LARGE_RESPONSE).setPayload(Payloads.zeros(LARGE_REQUEST)).build();
  }

  private static void largeUnary(TestServiceRpc.Client client) {
    checkLarge(client.unaryCall(largeRequest()));
  }

  private static void checkLarge(SimpleResponse response) {
    check(Payloads.isZeros(response.getPayload(), LARGE_RESPONSE),
        "response payload is " + response.getPayload().getBody().size() + " bytes, not " + LARGE_RESPONSE + " zeros");
  }

  private static BoolValue bool(boolean b) {
    return BoolValue.newBuilder().setValue(b).build();
  }

  /**
   * The probe is an uncompressed request claiming to be compressed: a server that can see request
   * compression refuses it with INVALID_ARGUMENT. A server that cannot see it answers it; that is
   * noted, not failed, and the compressed and uncompressed calls that follow are checked either way.
   */
  private void clientCompressedUnary() {
    SimpleRequest expectCompressed = largeRequest().toBuilder().setExpectCompressed(bool(true)).build();
    probe(() -> checkLarge(service.unaryCall(expectCompressed)));
    checkLarge(service.withOptions(options.withCompression("gzip")).unaryCall(expectCompressed));
    checkLarge(service.unaryCall(largeRequest().toBuilder().setExpectCompressed(bool(false)).build()));
  }

  private void probe(Runnable uncompressedClaimingCompressed) {
    try {
      uncompressedClaimingCompressed.run();
      notes.accept("the server accepted an uncompressed request with expect_compressed=true:"
          + " it does not check request compression");
    } catch (StatusException e) {
      if (e.status().code() != Status.Code.INVALID_ARGUMENT) {
        throw e;
      }
    }
  }

  /** The response must arrive compressed exactly when it asked to be, and be the right size. */
  private void serverCompressedUnary() {
    for (boolean compressed : new boolean[] {true, false}) {
      try (ClientStream<SimpleRequest, SimpleResponse> call = channel.newStream(TestServiceRpc.UNARY_CALL, options)) {
        call.sendAndClose(largeRequest().toBuilder().setResponseCompressed(bool(compressed)).build());
        SimpleResponse response = call.receive();
        check(response != null, "no response");
        check(call.lastReceivedCompressed() == compressed, "the response asked to be "
            + (compressed ? "compressed" : "uncompressed") + " arrived " + (compressed ? "uncompressed" : "compressed"));
        checkLarge(response);
        check(call.receive() == null, "more than one response");
      }
    }
  }

  private void clientStreaming() {
    try (ClientStream<StreamingInputCallRequest, StreamingInputCallResponse> s = service.streamingInputCall()) {
      for (int size : REQUEST_SIZES) {
        s.send(StreamingInputCallRequest.newBuilder().setPayload(Payloads.zeros(size)).build());
      }
      s.halfClose();
      checkAggregate(s, 74922);
    }
  }

  private static void checkAggregate(ClientStream<?, StreamingInputCallResponse> s, int expected) {
    StreamingInputCallResponse r = s.receive();
    check(r != null, "no response");
    check(r.getAggregatedPayloadSize() == expected,
        "aggregated_payload_size is " + r.getAggregatedPayloadSize() + ", not " + expected);
    check(s.receive() == null, "more than one response");
  }

  /** The probe, then a compressed call whose second request goes uncompressed, as it says. */
  private void clientCompressedStreaming() {
    StreamingInputCallRequest first = StreamingInputCallRequest.newBuilder()
        .setExpectCompressed(bool(true)).setPayload(Payloads.zeros(27182)).build();
    probe(() -> {
      try (ClientStream<StreamingInputCallRequest, StreamingInputCallResponse> s = service.streamingInputCall()) {
        s.sendAndClose(first);
        checkAggregate(s, 27182);
      }
    });
    try (ClientStream<StreamingInputCallRequest, StreamingInputCallResponse> s =
             service.withOptions(options.withCompression("gzip")).streamingInputCall()) {
      s.send(first);
      s.setMessageCompression(false);
      s.sendAndClose(StreamingInputCallRequest.newBuilder()
          .setExpectCompressed(bool(false)).setPayload(Payloads.zeros(45904)).build());
      checkAggregate(s, 73086);
    }
  }

  private void serverStreaming() {
    StreamingOutputCallRequest.Builder request = StreamingOutputCallRequest.newBuilder();
    for (int size : RESPONSE_SIZES) {
      request.addResponseParameters(ResponseParameters.newBuilder().setSize(size));
    }
    receiveSizes(service.streamingOutputCall(request.build()), RESPONSE_SIZES);
  }

  /** Each response must arrive compressed exactly when it asked to be, and be the right size. */
  private void serverCompressedStreaming() {
    StreamingOutputCallRequest request = StreamingOutputCallRequest.newBuilder()
        .addResponseParameters(ResponseParameters.newBuilder().setCompressed(bool(true)).setSize(31415))
        .addResponseParameters(ResponseParameters.newBuilder().setCompressed(bool(false)).setSize(92653))
        .build();
    int[] sizes = {31415, 92653};
    boolean[] compressed = {true, false};
    try (ClientStream<StreamingOutputCallRequest, StreamingOutputCallResponse> stream =
             service.streamingOutputCall(request)) {
      for (int i = 0; i < sizes.length; i++) {
        StreamingOutputCallResponse r = stream.receive();
        check(r != null, "only " + i + " responses, expected " + sizes.length);
        check(stream.lastReceivedCompressed() == compressed[i], "response " + i + " asked to be "
            + (compressed[i] ? "compressed" : "uncompressed") + " but was not");
        check(Payloads.isZeros(r.getPayload(), sizes[i]),
            "response " + i + " is " + r.getPayload().getBody().size() + " bytes, not " + sizes[i] + " zeros");
      }
      check(stream.receive() == null, "more than " + sizes.length + " responses");
    }
  }

  private static void receiveSizes(ClientStream<?, StreamingOutputCallResponse> stream, int[] sizes) {
    try (stream) {
      for (int i = 0; i < sizes.length; i++) {
        StreamingOutputCallResponse r = stream.receive();
        check(r != null, "only " + i + " responses, expected " + sizes.length);
        check(Payloads.isZeros(r.getPayload(), sizes[i]),
            "response " + i + " is " + r.getPayload().getBody().size() + " bytes, not " + sizes[i] + " zeros");
      }
      check(stream.receive() == null, "more than " + sizes.length + " responses");
    }
  }

  private static StreamingOutputCallRequest duplexRequest(int responseSize, int payloadSize) {
    return StreamingOutputCallRequest.newBuilder()
        .addResponseParameters(ResponseParameters.newBuilder().setSize(responseSize))
        .setPayload(Payloads.zeros(payloadSize))
        .build();
  }

  private void pingPong() {
    try (ClientStream<StreamingOutputCallRequest, StreamingOutputCallResponse> s = service.fullDuplexCall()) {
      for (int i = 0; i < REQUEST_SIZES.length; i++) {
        s.send(duplexRequest(RESPONSE_SIZES[i], REQUEST_SIZES[i]));
        StreamingOutputCallResponse r = s.receive();
        check(r != null, "no response to request " + i);
        check(Payloads.isZeros(r.getPayload(), RESPONSE_SIZES[i]), "response " + i + " is "
            + r.getPayload().getBody().size() + " bytes, not " + RESPONSE_SIZES[i]);
      }
      s.halfClose();
      check(s.receive() == null, "more than " + REQUEST_SIZES.length + " responses");
    }
  }

  private void emptyStream() {
    try (ClientStream<StreamingOutputCallRequest, StreamingOutputCallResponse> s = service.fullDuplexCall()) {
      s.halfClose();
      check(s.receive() == null, "a response on an empty stream");
    }
  }

  private void customMetadata() {
    byte[] trailing = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
    Metadata md = new Metadata()
        .put(EchoMetadataInterceptor.ECHO_INITIAL, "test_initial_metadata_value")
        .putBinary(EchoMetadataInterceptor.ECHO_TRAILING, trailing);
    CallOptions withMetadata = options.withHeaders(md);
    try (ClientStream<SimpleRequest, SimpleResponse> s = channel.newStream(TestServiceRpc.UNARY_CALL, withMetadata)) {
      s.sendAndClose(largeRequest());
      checkLarge(s.receive());
      check(s.receive() == null, "more than one response");
      checkEchoed(s, trailing, "UnaryCall");
    }
    try (ClientStream<StreamingOutputCallRequest, StreamingOutputCallResponse> s =
             channel.newStream(TestServiceRpc.FULL_DUPLEX_CALL, withMetadata)) {
      s.sendAndClose(duplexRequest(LARGE_RESPONSE, LARGE_REQUEST));
      StreamingOutputCallResponse r = s.receive();
      check(r != null && Payloads.isZeros(r.getPayload(), LARGE_RESPONSE), "wrong FullDuplexCall response");
      check(s.receive() == null, "more than one response");
      checkEchoed(s, trailing, "FullDuplexCall");
    }
  }

  private static void checkEchoed(ClientStream<?, ?> s, byte[] trailing, String method) {
    String initial = s.headers().get(EchoMetadataInterceptor.ECHO_INITIAL);
    check("test_initial_metadata_value".equals(initial), method + ": initial metadata echoed as " + initial);
    byte[] echoed = s.trailers().getBinary(EchoMetadataInterceptor.ECHO_TRAILING);
    check(echoed != null && Arrays.equals(trailing, echoed),
        method + ": trailing metadata echoed as " + (echoed == null ? null : HexFormat.of().formatHex(echoed)));
  }

  /** Code 2 (UNKNOWN) and {@code message} must come back intact; the special message is unary only. */
  private void statusCodeAndMessage(String message, boolean alsoFullDuplex) {
    EchoStatus echo = EchoStatus.newBuilder().setCode(2).setMessage(message).build();
    StatusException unary = expectStatus(Status.Code.UNKNOWN,
        () -> service.unaryCall(SimpleRequest.newBuilder().setResponseStatus(echo).build()));
    check(message.equals(unary.status().description()), "UnaryCall: message is " + quote(unary.status().description()));
    if (alsoFullDuplex) {
      StatusException duplex = expectStatus(Status.Code.UNKNOWN, () -> {
        try (ClientStream<StreamingOutputCallRequest, StreamingOutputCallResponse> s = service.fullDuplexCall()) {
          s.sendAndClose(StreamingOutputCallRequest.newBuilder().setResponseStatus(echo).build());
          s.receive();
        }
      });
      check(message.equals(duplex.status().description()),
          "FullDuplexCall: message is " + quote(duplex.status().description()));
    }
  }

  private void cancelAfterBegin() {
    ClientStream<StreamingInputCallRequest, StreamingInputCallResponse> s = service.streamingInputCall();
    s.cancel();
    expectStatus(Status.Code.CANCELLED, s::receive);
  }

  private void cancelAfterFirstResponse() {
    ClientStream<StreamingOutputCallRequest, StreamingOutputCallResponse> s = service.fullDuplexCall();
    s.send(duplexRequest(31415, 27182));
    StreamingOutputCallResponse r = s.receive();
    check(r != null && Payloads.isZeros(r.getPayload(), 31415), "wrong first response");
    s.cancel();
    expectStatus(Status.Code.CANCELLED, s::receive);
  }

  private void timeoutOnSleepingServer() {
    ClientStream<StreamingOutputCallRequest, StreamingOutputCallResponse> s =
        channel.newStream(TestServiceRpc.FULL_DUPLEX_CALL, options.withTimeout(Duration.ofMillis(1)));
    try (s) {
      try {
        s.send(StreamingOutputCallRequest.newBuilder().setPayload(Payloads.zeros(27182)).build());
      } catch (StatusException e) {
        // the deadline may pass before the request is sent; the status is checked below
      }
      expectStatus(Status.Code.DEADLINE_EXCEEDED, s::receive);
    }
  }

  private void concurrentLargeUnary() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < callsPerThread; i++) {
            largeUnary(service);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : results) {
        f.get(); // a failure of any call fails the case, with its own message
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw (Error) e.getCause();
    }
  }

  private static StatusException expectStatus(Status.Code code, Runnable call) {
    try {
      call.run();
    } catch (StatusException e) {
      if (e.status().code() != code) {
        throw new AssertionError("expected " + code + ", got " + e.status(), e);
      }
      return e;
    }
    throw new AssertionError("expected " + code + ", but the call succeeded");
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n") + "\"";
  }

  private static void check(boolean condition, String failure) {
    if (!condition) {
      throw new AssertionError(failure);
    }
  }
}
