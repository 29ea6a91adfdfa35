package rpc.testkit;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import rpc.api.ClientInterceptor;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * A client interceptor that adds fixed headers to every call and records the status each call
 * ended with, as one for authentication or metrics would. Thread-safe: it serves every call of a
 * channel at once.
 */
public final class RecordingClientInterceptor implements ClientInterceptor {
  private final Metadata headers;
  private final BlockingQueue<Status> statuses = new LinkedBlockingQueue<>();

  /**
   * An interceptor that adds a copy of {@code headers} to every call.
   *
   * @param headers the headers to add
   */
  public RecordingClientInterceptor(Metadata headers) {
    this.headers = headers.copy();
  }

  @Override
  public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
    call.setOptions(call.options().withHeaders(headers));
    return new Listener<>() {
      @Override
      public Status onClose(Status status, Metadata trailers) {
        statuses.add(status);
        return status;
      }
    };
  }

  /**
   * The status of the next call to end, waiting up to {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return the call's final status
   * @throws AssertionError if no call ends in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public Status nextStatus(Duration timeout) throws InterruptedException {
    Status s = statuses.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (s == null) {
      throw new AssertionError("no call ended within " + timeout);
    }
    return s;
  }
}
