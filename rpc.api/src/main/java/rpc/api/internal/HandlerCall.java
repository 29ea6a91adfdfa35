package rpc.api.internal;

import rpc.api.Deadline;
import rpc.api.Status;

/**
 * The server call whose handler the current thread is running, as the calls that handler makes
 * inherit it: its deadline, and its cancellation. Set by the server for exactly the time its
 * handler (and the server interceptors around it) run on their thread; read by the channel as a
 * call starts. Thread-safe.
 */
public interface HandlerCall {
  /** The handler's call on this thread, or null outside a handler. */
  ThreadLocal<HandlerCall> CURRENT = new ThreadLocal<>();

  /** {@return the handler call running on this thread, or null} */
  static HandlerCall current() {
    return CURRENT.get();
  }

  /** {@return the deadline the client gave the handler's call, or null} */
  Deadline deadline();

  /** {@return why the handler's call was cancelled, or null while it is not} */
  Status cancellationStatus();

  /**
   * Runs {@code action} with the status the handler's call is cancelled with, on a thread of its
   * own, if it is cancelled before {@code remove} runs; at once, on this thread, if it already
   * was.
   *
   * @param action what to do on cancellation
   * @return {@code remove}: forgets the action (idempotent), so a handler making many calls keeps
   *     nothing of those that ended
   */
  Runnable whenCancelled(java.util.function.Consumer<Status> action);

  /**
   * The status for a call the current thread abandons because it was interrupted: a handler's
   * thread is interrupted when its own call is cancelled, and a call it was waiting on then ends
   * the way the handler's call did — {@code DEADLINE_EXCEEDED} if that call's deadline passed,
   * {@code CANCELLED} otherwise (and on any thread that is not running a handler).
   *
   * @param description what was interrupted
   * @param cause the interrupt
   * @return the status to end the abandoned call with
   */
  static Status interrupted(String description, Throwable cause) {
    HandlerCall handler = current();
    Status why = handler == null ? null : handler.cancellationStatus();
    if (why == null) {
      return Status.CANCELLED.withDescription(description).withCause(cause);
    }
    return inherited(why, description + "; " + endedText(why)).withCause(cause);
  }

  /**
   * Says how the handler's call ended, for the status of a call it made.
   *
   * @param why how the handler's call ended
   * @return the text
   */
  static String endedText(Status why) {
    return "the server call whose handler made this call ended: " + why.code()
        + (why.description() == null ? "" : " (" + why.description() + ")");
  }

  /**
   * The status a call made by a handler ends with when the handler's call ended with {@code why}:
   * {@code DEADLINE_EXCEEDED} for a deadline, {@code CANCELLED} for anything else.
   *
   * @param why how the handler's call ended
   * @param description what ended
   * @return the status
   */
  static Status inherited(Status why, String description) {
    return (why.code() == Status.Code.DEADLINE_EXCEEDED ? Status.DEADLINE_EXCEEDED : Status.CANCELLED)
        .withDescription(description);
  }
}
