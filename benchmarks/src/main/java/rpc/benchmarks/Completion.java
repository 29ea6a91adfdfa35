package rpc.benchmarks;

import com.google.protobuf.BytesValue;
import io.grpc.stub.StreamObserver;
import java.util.function.BiConsumer;

/**
 * The end of one asynchronous unary call, adapted to both APIs: rpc's
 * {@code CompletableFuture.whenComplete} and grpc-java's {@link StreamObserver}. One instance serves
 * every call of a benchmark, so the harness itself allocates nothing per call.
 *
 * <p>Thread-safe as long as {@link #done} is: callbacks arrive on the implementation's threads.
 */
abstract class Completion implements BiConsumer<BytesValue, Throwable>, StreamObserver<BytesValue> {

  /** One call ended: successfully when {@code error} is null. */
  abstract void done(Throwable error);

  @Override
  public final void accept(BytesValue response, Throwable error) {
    done(error == null && response == null ? new IllegalStateException("null response") : error);
  }

  @Override
  public final void onNext(BytesValue response) {
    // the response itself is not needed: onCompleted follows it
  }

  @Override
  public final void onError(Throwable error) {
    done(error);
  }

  @Override
  public final void onCompleted() {
    done(null);
  }
}
