package rpc.benchmarks;

import com.google.protobuf.BytesValue;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@code size} unary calls in flight on a fixture from one daemon thread, so a measured call
 * shares the channel with that many others. A dedicated thread (rather than restarting calls from
 * completion callbacks) also works for implementations whose calls complete synchronously inside
 * the call, such as grpc-java in-process with direct executors.
 *
 * <p>Thread-safe: {@link #start} and {@link #stop} are called by the benchmark thread.
 */
final class BackgroundLoad {
  /** A safety bound on the loop, far beyond the longest trial of any profile. */
  private static final long MAX_RUN_NANOS = TimeUnit.HOURS.toNanos(2);

  private final Fixture fixture;
  private final BytesValue request;
  private final Window window;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  BackgroundLoad(Fixture fixture, BytesValue request, int size) {
    this.fixture = fixture;
    this.request = request;
    this.window = new Window(size);
    this.thread = new Thread(this::run, "bench-background-load");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long stopAt = System.nanoTime() + MAX_RUN_NANOS;
    try {
      while (running && System.nanoTime() - stopAt < 0) {
        if (window.tryAcquire(100)) {
          try {
            fixture.unary(request, window);
          } catch (RuntimeException e) {
            window.release();
            throw e;
          }
        }
      }
      window.awaitEmpty();
    } catch (Throwable t) {
      failure = t;
    }
  }

  /** Stops starting calls and waits (bounded) for those in flight; rethrows the first failure. */
  void stop() throws InterruptedException {
    running = false;
    thread.join(BenchService.WAIT_LIMIT.toMillis() * 2);
    if (thread.isAlive()) {
      throw new IllegalStateException("background load did not stop within " + BenchService.WAIT_LIMIT.multipliedBy(2));
    }
    if (failure != null) {
      throw new IllegalStateException("background load failed: " + failure, failure);
    }
  }
}
