package rpc.api.spi;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A transport's server side: accepts calls at one address and hands them to a
 * {@link ServerCallAcceptor}.
 * Thread-safe.
 */
public interface ServerTransport {

  /**
   * Starts listening; calls go to {@code acceptor}.
   *
   * @param acceptor receives every new call
   * @throws IOException if the address cannot be bound
   */
  void start(ServerCallAcceptor acceptor) throws IOException;

  /** {@return the bound address as text ({@code 127.0.0.1:50051}, {@code inprocess:NAME})} */
  String localAddress();

  /** {@return the bound TCP port, or -1 for a transport without ports} */
  int port();

  /**
   * Stops accepting new calls (on HTTP/2: sends GOAWAY); calls in flight go on, and the transport
   * terminates (releases its port and threads) once the last of them has ended. Idempotent.
   */
  void shutdown();

  /**
   * Cancels calls still in flight ({@code UNAVAILABLE} to their listeners) and releases every
   * resource, including the listening port. Idempotent; may follow {@link #shutdown}.
   */
  void shutdownNow();

  /**
   * Waits until the transport has terminated after a shutdown; true if in time.
   *
   * @param timeout how long to wait at most
   * @param unit the unit of {@code timeout}
   * @return true if the transport terminated in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException;
}
