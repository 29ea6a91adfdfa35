package rpc.api.spi;

import java.util.concurrent.TimeUnit;
import rpc.api.CallOptions;
import rpc.api.MethodDescriptor;

/**
 * A transport's client side for one target: makes calls, usually multiplexed over one connection.
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
