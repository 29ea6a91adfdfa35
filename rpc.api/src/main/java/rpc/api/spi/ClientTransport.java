package rpc.api.spi;

import java.util.concurrent.TimeUnit;
import rpc.api.CallOptions;
import rpc.api.ConnectivityState;
import rpc.api.MethodDescriptor;
import rpc.api.Status;

/**
 * A transport's client side for one target or one resolved address: makes calls, usually
 * multiplexed over one connection. A channel whose target names several addresses (through a
 * {@link NameResolver}) creates one client transport per address, a <em>subchannel</em>, and its
 * {@link LoadBalancer} picks among them by their {@linkplain #state() state}.
 * Thread-safe: {@link #newCall} is called from many threads at once.
 */
public interface ClientTransport {

  /**
   * A new, unstarted call; cheap, and holding nothing until started (a call that is never started
   * does not delay {@link #awaitTermination}). If the transport cannot carry it (shut down, target
   * unknown, connection failed and the call does not wait for ready), the call fails with
   * {@code UNAVAILABLE} once started.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param method the method to call
   * @param options the call's options
   * @return the new call
   */
  <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options);

  /**
   * The state of this transport's connection, as grpc's connectivity semantics define it: IDLE (no
   * connection; the next call or {@link #connect()} opens one), CONNECTING, READY, and
   * TRANSIENT_FAILURE (the last attempt failed; the transport waits its backoff delay and then goes
   * back to IDLE, or tries again at once if calls are waiting). After {@link #shutdown()}, SHUTDOWN.
   * Defaults to READY: a transport without connections (in-process) can always take a call.
   *
   * @return the current state
   */
  default ConnectivityState state() {
    return ConnectivityState.READY;
  }

  /**
   * Why the transport is in TRANSIENT_FAILURE ({@code UNAVAILABLE} naming the address and the
   * cause), or null in any other state. Defaults to null.
   *
   * @return the last connection failure, while it is current
   */
  default Status failure() {
    return null;
  }

  /**
   * Starts connecting if the transport is IDLE; does nothing in any other state. Does not block.
   * Defaults to doing nothing.
   */
  default void connect() {}

  /**
   * Registers {@code onChange} to run after each change of {@link #state()}, on any thread: it is
   * a signal to read {@code state()} again, not a report of the new state (two changes may give
   * one run, and runs from different threads may overtake each other). It must not block. Called
   * at most once, before the first call. Defaults to doing nothing (a transport whose state never
   * changes).
   *
   * @param onChange runs when the state may have changed
   */
  default void watchState(Runnable onChange) {}

  /**
   * Stops taking new calls (they fail {@code UNAVAILABLE}); calls in flight go on, and the
   * transport terminates (closes its connections) once the last of them has ended. Idempotent.
   */
  void shutdown();

  /** Fails calls in flight with {@code UNAVAILABLE} and releases every resource. Idempotent. */
  void shutdownNow();

  /**
   * Waits until every resource is released after a shutdown; true if that happened in time.
   *
   * @param timeout how long to wait at most
   * @param unit the unit of {@code timeout}
   * @return true if the transport terminated in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException;
}
