package rpc.transport.jetty.internal.stream;

import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The threads Jetty runs a client or server on: one pool and selector count for both sides.
 *
 * <p>Stateless; its methods may be called from any thread.
 */
public final class TransportThreads {
  private TransportThreads() {}

  /**
   * A daemon pool named {@code name}, without reserved threads: a selector thread that finds a
   * connection ready then reads it itself, as our stream callbacks do not block, instead of waking a
   * reserved thread to go on selecting for every read (measured: about +30 % bidi ping-pong and
   * single-call unary throughput). Connections are spread over {@link #selectors()} selector threads
   * so that reads of different connections still run in parallel.
   */
  public static QueuedThreadPool pool(String name) {
    QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    threads.setName(name);
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    return threads;
  }

  /** Selector threads per connector: half the processors, at least one (Jetty's own default). */
  public static int selectors() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }
}
