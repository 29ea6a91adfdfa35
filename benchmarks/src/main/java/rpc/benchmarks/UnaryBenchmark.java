package rpc.benchmarks;

import com.google.protobuf.BytesValue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Unary calls multiplexed over one channel: {@code concurrency} asynchronous calls are kept in
 * flight, and one operation is one call completing (and the next one starting in its slot). The
 * score is completed calls per second; under {@code -prof gc}, {@code gc.alloc.rate.norm} is the
 * bytes the whole JVM (client and server) allocated per call.
 *
 * <p>Not thread-safe: JMH runs it on one thread; completions arrive on the implementation's threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UnaryBenchmark {

  /** The implementation under test (see {@link BenchService#IMPLEMENTATIONS}). */
  @Param({"rpc-jetty", "rpc-inprocess", "grpc-netty", "grpc-netty-direct", "grpc-inprocess", "grpc-inprocess-direct"})
  public String impl;

  /** K: calls kept in flight on the one channel. */
  @Param({"1", "16", "64", "256", "1024"})
  public int concurrency;

  private Fixture fixture;
  private Window window;
  private BytesValue request;

  /** Starts the server and the channel. */
  @Setup(Level.Trial)
  public void start() throws Exception {
    fixture = Fixture.start(impl);
    window = new Window(concurrency);
    request = BenchService.payload(BenchService.UNARY_PAYLOAD);
  }

  /**
   * Fills the window before the clock starts, so every measured operation is a completion at full
   * concurrency rather than part of a ramp-up.
   */
  @Setup(Level.Iteration)
  public void fill() throws InterruptedException {
    for (int i = 0; i < concurrency; i++) {
      call();
    }
  }

  /** Waits for one call to complete, then starts another in its slot. */
  @Benchmark
  public void call() throws InterruptedException {
    window.acquire();
    try {
      fixture.unary(request, window);
    } catch (RuntimeException e) {
      window.release();
      throw e;
    }
  }

  /** Lets the calls still in flight finish, so no iteration's calls spill into the next. */
  @TearDown(Level.Iteration)
  public void drain() throws InterruptedException {
    window.awaitEmpty();
  }

  /** Shuts the channel and server down. */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }
}
