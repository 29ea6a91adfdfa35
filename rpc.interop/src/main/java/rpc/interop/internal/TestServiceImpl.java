package rpc.interop.internal;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.interop.testing.EchoStatus;
import rpc.interop.testing.Empty;
import rpc.interop.testing.Payload;
import rpc.interop.testing.PayloadType;
import rpc.interop.testing.ResponseParameters;
import rpc.interop.testing.SimpleRequest;
import rpc.interop.testing.SimpleResponse;
import rpc.interop.testing.StreamingInputCallRequest;
import rpc.interop.testing.StreamingInputCallResponse;
import rpc.interop.testing.StreamingOutputCallRequest;
import rpc.interop.testing.StreamingOutputCallResponse;
import rpc.interop.testing.TestServiceRpc;

/**
 * {@code grpc.testing.TestService} as grpc's interop test descriptions specify the server: sized
 * payloads of zeros, echoed status, response compression on request, {@code interval_us} delays;
 * {@code UnimplementedCall} is left unimplemented. Metadata echo and the cache-control header are
 * added by {@link EchoMetadataInterceptor}.
 *
 * <p>Thread-safe (stateless); every call runs on its own virtual thread.
 *
 * <p>A request with {@code expect_compressed} true that arrived uncompressed is refused with
 * {@code INVALID_ARGUMENT}; each response parameter's {@code compressed} switches compression for
 * that response ({@code ServerStream.setMessageCompression}).
 */
public final class TestServiceImpl implements TestServiceRpc.Service {

  @Override
  public Empty emptyCall(Empty request, ServerContext context) {
    return Empty.getDefaultInstance();
  }

  @Override
  public SimpleResponse unaryCall(SimpleRequest request, ServerContext context) {
    checkPayloadType(request.getResponseType());
    checkCompressed(request.getExpectCompressed().getValue(), context.requestCompressed());
    if (request.hasResponseCompressed()) {
      context.setResponseCompression(request.getResponseCompressed().getValue() ? "gzip" : "identity");
    }
    failIfAsked(request.hasResponseStatus() ? request.getResponseStatus() : null);
    SimpleResponse.Builder response = SimpleResponse.newBuilder();
    if (request.getResponseSize() != 0) {
      response.setPayload(payload(request.getResponseSize()));
    }
    return response.build();
  }

  @Override
  public SimpleResponse cacheableUnaryCall(SimpleRequest request, ServerContext context) {
    // A fresh body every time, so that only a caching proxy could make two answers equal.
    byte[] now = Long.toString(System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
    return SimpleResponse.newBuilder()
        .setPayload(Payload.newBuilder().setType(PayloadType.COMPRESSABLE).setBody(ByteString.copyFrom(now)))
        .build();
  }

  @Override
  public void streamingOutputCall(StreamingOutputCallRequest request,
      ServerStream<StreamingOutputCallResponse, StreamingOutputCallRequest> responses) throws InterruptedException {
    chooseCompression(request, responses.context());
    respond(request, responses);
  }

  @Override
  public StreamingInputCallResponse streamingInputCall(
      ServerStream<StreamingInputCallResponse, StreamingInputCallRequest> requests) {
    int total = 0;
    for (StreamingInputCallRequest r; (r = requests.receive()) != null; ) {
      checkCompressed(r.getExpectCompressed().getValue(), requests.lastReceivedCompressed());
      total += r.getPayload().getBody().size();
    }
    return StreamingInputCallResponse.newBuilder().setAggregatedPayloadSize(total).build();
  }

  @Override
  public void fullDuplexCall(ServerStream<StreamingOutputCallResponse, StreamingOutputCallRequest> stream)
      throws InterruptedException {
    boolean first = true;
    for (StreamingOutputCallRequest r; (r = stream.receive()) != null; ) {
      if (first) {
        chooseCompression(r, stream.context());
        first = false;
      }
      respond(r, stream);
    }
  }

  @Override
  public void halfDuplexCall(ServerStream<StreamingOutputCallResponse, StreamingOutputCallRequest> stream)
      throws InterruptedException {
    List<StreamingOutputCallRequest> requests = new ArrayList<>();
    for (StreamingOutputCallRequest r; (r = stream.receive()) != null; ) {
      requests.add(r);
    }
    if (!requests.isEmpty()) {
      chooseCompression(requests.getFirst(), stream.context());
    }
    for (StreamingOutputCallRequest r : requests) {
      respond(r, stream);
    }
  }

  /** Echoes the requested status, or sends one response per parameter, sleeping interval_us before each. */
  private static void respond(StreamingOutputCallRequest request,
      ServerStream<StreamingOutputCallResponse, StreamingOutputCallRequest> out) throws InterruptedException {
    checkPayloadType(request.getResponseType());
    failIfAsked(request.hasResponseStatus() ? request.getResponseStatus() : null);
    for (ResponseParameters p : request.getResponseParametersList()) {
      if (p.getIntervalUs() > 0) {
        Thread.sleep(Duration.ofNanos(p.getIntervalUs() * 1000L));
      }
      if (p.hasCompressed()) {
        out.setMessageCompression(p.getCompressed().getValue());
      }
      out.send(StreamingOutputCallResponse.newBuilder().setPayload(payload(p.getSize())).build());
    }
  }

  /**
   * The call's response encoding is chosen before the first response: gzip if any response of the
   * first request asks for compression; {@link #respond} then switches it per message.
   */
  private static void chooseCompression(StreamingOutputCallRequest request, ServerContext context) {
    boolean any = false;
    boolean asked = false;
    for (ResponseParameters p : request.getResponseParametersList()) {
      if (p.hasCompressed()) {
        asked = true;
        any |= p.getCompressed().getValue();
      }
    }
    if (asked) {
      context.setResponseCompression(any ? "gzip" : "identity");
    }
  }

  /** As the interop descriptions say: a request that expects compression must have arrived compressed. */
  private static void checkCompressed(boolean expected, boolean arrivedCompressed) {
    if (expected && !arrivedCompressed) {
      throw Status.INVALID_ARGUMENT.withDescription("expect_compressed is set but the request arrived uncompressed")
          .asException();
    }
  }

  private static void failIfAsked(EchoStatus echo) {
    if (echo != null && echo.getCode() != 0) {
      Status status = Status.fromCodeValue(echo.getCode());
      throw new StatusException(echo.getMessage().isEmpty() ? status : status.withDescription(echo.getMessage()));
    }
  }

  private static void checkPayloadType(PayloadType type) {
    if (type != PayloadType.COMPRESSABLE) {
      throw Status.INVALID_ARGUMENT.withDescription("unsupported response_type " + type).asException();
    }
  }

  private static Payload payload(int size) {
    if (size < 0) {
      throw Status.INVALID_ARGUMENT.withDescription("negative response size " + size).asException();
    }
    return Payloads.zeros(size);
  }
}
