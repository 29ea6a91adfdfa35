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
}
