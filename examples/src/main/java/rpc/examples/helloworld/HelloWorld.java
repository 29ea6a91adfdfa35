package rpc.examples.helloworld;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import rpc.api.StatusException;
import rpc.examples.internal.Demo;
import rpc.examples.internal.JettyLogs;
import rpc.examples.internal.Options;

/**
 * The helloworld example: a Greeter server and a client that shares ONE channel and ONE generated
 * client among many virtual threads, all calling at once. The calls are multiplexed over one
 * HTTP/2 connection; the server counts the connections it saw them on.
 * Thread-safe (stateless).
 *
 * <p>Options: {@code --threads N} (default 32), {@code --calls N} per thread (default 100), and
 * those of every example ({@code --transport}, {@code --target}, {@code --port},
 * {@code --server-only}).
 */
public final class HelloWorld {
  private HelloWorld() {}

  /** Runs the example and exits with its status. */
  public static void main(String[] args) throws Exception {
    JettyLogs.warningsOnlyUnlessConfigured();
    System.exit(run(args, System.out));
  }

  /** Runs the example, printing to {@code out}; 0 when every call succeeded. */
  public static int run(String[] args, PrintStream out) throws Exception {
    Options options = Options.parse(args, Map.of("threads", 32, "calls", 100));
    if (options.serverOnly()) {
      Demo.serve("helloworld", options, out, List.of(new GreeterService().bindService()));
      return 0;
    }
    try (Demo demo = Demo.start("helloworld", options, out, List.of(new GreeterService().bindService()))) {
      // One client for every thread: generated clients are thread-safe, and so is the channel.
      // The deadline covers the whole run.
      GreeterRpc.Client greeter = GreeterRpc.newClient(demo.channel()).withTimeout(Duration.ofSeconds(60));
      out.println(greeter.sayHello(HelloRequest.newBuilder().setName("world").build()).getMessage());

      int threads = options.number("threads");
      int calls = options.number("calls");
      AtomicInteger completed = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      long start = System.nanoTime();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int c = 0; c < calls; c++) {
              String name = "thread " + thread + " call " + c;
              try {
                HelloReply reply = greeter.sayHello(HelloRequest.newBuilder().setName(name).build());
                (reply.getMessage().equals("Hello, " + name + "!") ? completed : failed).incrementAndGet();
              } catch (StatusException e) {
                failed.incrementAndGet();
              }
            }
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      }
      long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      out.println(completed.get() + " of " + threads * calls + " calls completed (" + threads + " threads x " + calls
          + " calls, one channel, one client) in " + millis + " ms" + demo.connectionsText());
      if (failed.get() > 0) {
        out.println(failed.get() + " calls failed");
      }
      return failed.get() == 0 ? 0 : 1;
    }
  }
}
