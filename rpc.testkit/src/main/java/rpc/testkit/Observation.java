package rpc.testkit;

import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * What one handler of {@link FakeService} saw by the time it ended. Immutable: the headers are
 * copied on the way in and out.
 *
 * <p>Recorded so a test can check the server side of a call after the client side has finished.
 *
 * @param method the method's simple name ({@code "Wait"})
 * @param streamName the server stream's {@link rpc.api.Stream#name()}
 * @param requestHeaders the request headers the handler saw
 * @param deadline the call's deadline as the handler saw it, or null
 * @param cancelled {@link rpc.api.ServerContext#isCancelled()} when the handler ended
 * @param cancellationStatus {@link rpc.api.ServerContext#cancellationStatus()} when the handler ended
 * @param interrupted whether the handler thread was interrupted while it waited
 * @param detail what else the handler wants to report (an exception message, an outcome)
 */
public record Observation(String method, String streamName, Metadata requestHeaders, Deadline deadline,
    boolean cancelled, Status cancellationStatus, boolean interrupted, String detail) {

  /** Copies the headers. */
  public Observation {
    requestHeaders = requestHeaders == null ? new Metadata() : requestHeaders.copy();
  }

  /** {@return a copy of the request headers} */
  @Override
  public Metadata requestHeaders() {
    return requestHeaders.copy();
  }
}
