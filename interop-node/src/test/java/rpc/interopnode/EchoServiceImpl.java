package rpc.interopnode;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import rpc.api.Deadline;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.status.StatusProto;

/**
 * The service the Node.js clients call, and a record of what it saw of each call, by the id the
 * request carries: the test asserts on both what the client printed and what arrived here.
 *
 * <p>Thread-safe; every call runs on its own virtual thread.
 */
final class EchoServiceImpl implements EchoServiceRpc.Service {

  /** The limit every {@link FailureDetail} carries: beyond 2^53, as JSON clients must keep it. */
  static final long LIMIT = 9_007_199_254_740_993L;

  /**
   * What the server saw of one call.
   *
   * @param method the method's name
   * @param requestCompressed whether the request message arrived compressed
   * @param deadline the time left when the handler started, or null without a deadline
   * @param cancelled how the call was cancelled while the handler waited (Sleep only), or null
   */
  record Seen(String method, boolean requestCompressed, Duration deadline, Status cancelled) {}

  private final ConcurrentMap<String, CompletableFuture<Seen>> seen = new ConcurrentHashMap<>();

  /**
   * What the server saw of the call whose request carried {@code id}; completes when the handler
   * has seen it (Sleep: when the handler ends).
   */
  CompletableFuture<Seen> seen(String id) {
    return seen.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  private void record(String id, String method, ServerContext context) {
    seen(id).complete(new Seen(method, context.requestCompressed(), left(context), null));
  }

  private static Duration left(ServerContext context) {
    Deadline deadline = context.deadline();
    return deadline == null ? null : deadline.remaining();
  }

  @Override
  public EchoResponse echo(EchoRequest request, ServerContext context) {
    record(request.getId(), "Echo", context);
    if (request.getCompressResponse()) {
      context.setResponseCompression("gzip");
    }
    return EchoResponse.newBuilder()
        .setText("echo: " + request.getText())
        .setNumber(request.getNumber() + 1)
        .setRaw(ByteString.copyFrom(request.getText(), StandardCharsets.UTF_8))
        .build();
  }

  @Override
  public void count(CountRequest request, ServerStream<CountResponse, CountRequest> responses) {
    record(request.getId(), "Count", responses.context());
    for (int i = 1; i <= request.getCount(); i++) {
      responses.send(CountResponse.newBuilder().setIndex(i).setText(request.getText()).build());
    }
    if (request.getFail()) {
      throw failure(request.getText());
    }
  }

  @Override
  public EchoResponse fail(FailRequest request, ServerContext context) {
    record(request.getId(), "Fail", context);
    throw failure(request.getReason());
  }

  /** FAILED_PRECONDITION with a FailureDetail, in grpc-status-details-bin. */
  private static StatusException failure(String reason) {
    return StatusProto.toStatusException(com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.FAILED_PRECONDITION.value())
        .setMessage("no more: " + reason)
        .addDetails(Any.pack(FailureDetail.newBuilder().setReason(reason).setLimit(LIMIT).build()))
        .build());
  }

  /**
   * Sleeps as asked; the server interrupts the handler when the call is cancelled (its deadline
   * passed, or the client went away), which ends the sleep early.
   */
  @Override
  public EchoResponse sleep(SleepRequest request, ServerContext context) {
    Duration left = left(context);
    try {
      Thread.sleep(Duration.ofMillis(request.getSleepMs()));
    } catch (InterruptedException e) {
      Status why = context.cancellationStatus();
      seen(request.getId()).complete(new Seen("Sleep", context.requestCompressed(), left,
          why == null ? Status.CANCELLED.withDescription("interrupted") : why));
      throw new StatusException(why == null ? Status.CANCELLED : why);
    }
    seen(request.getId()).complete(new Seen("Sleep", context.requestCompressed(), left, null));
    return EchoResponse.newBuilder().setText("slept " + request.getSleepMs() + " ms").build();
  }
}
