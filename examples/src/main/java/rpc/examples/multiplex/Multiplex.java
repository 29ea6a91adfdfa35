package rpc.examples.multiplex;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.examples.echo.EchoRequest;
import rpc.examples.echo.EchoResponse;
import rpc.examples.echo.EchoRpc;
import rpc.examples.echo.EchoService;
import rpc.examples.helloworld.GreeterRpc;
import rpc.examples.helloworld.GreeterService;
import rpc.examples.helloworld.HelloRequest;
import rpc.examples.internal.Demo;
import rpc.examples.internal.JettyLogs;
import rpc.examples.internal.Options;

/**
 * The multiplex example: the Greeter and the Echo service on one server; a Greeter client and an
 * Echo client on one channel, used at the same time, including while an Echo stream is open.
 * Thread-safe (stateless).
 *
 * <p>Options: {@code --threads N} (default 8), {@code --calls N} per thread and service (default
 * 25), and those of every example ({@code --transport}, {@code --target}, {@code --port},
 * {@code --server-only}).
 */
public final class Multiplex {
  private Multiplex() {}

  /** Runs the example and exits with its status. */
  public static void main(String[] args) throws Exception {
    JettyLogs.warningsOnlyUnlessConfigured();
    System.exit(run(args, System.out));
  }

  /** Runs the example, printing to {@code out}; 0 when every call went as expected. */
  public static int run(String[] args, PrintStream out) throws Exception {
    Options options = Options.parse(args, Map.of("threads", 8, "calls", 25));
    var services = List.of(new GreeterService().bindService(), new EchoService().bindService());
    if (options.serverOnly()) {
      Demo.serve("multiplex", options, out, services);
      return 0;
    }
    try (Demo demo = Demo.start("multiplex", options, out, services)) {
      Channel channel = demo.channel();
      // Two generated clients of two services, one channel.
      GreeterRpc.Client greeter = GreeterRpc.newClient(channel).withTimeout(Duration.ofSeconds(30));
      EchoRpc.Client echo = EchoRpc.newClient(channel).withTimeout(Duration.ofSeconds(30));

      out.println("Greeter: " + greeter.sayHello(HelloRequest.newBuilder().setName("multiplex").build()).getMessage());
      out.println("Echo: " + echo.unaryEcho(request("one channel, two services")).getMessage());

      // An Echo stream stays open while Greeter calls go over the same channel.
      int streamed = 0;
      try (ClientStream<EchoRequest, EchoResponse> stream = echo.bidirectionalStreamingEcho()) {
        for (int i = 1; i <= 3; i++) {
          stream.send(request("stream message " + i));
          String greeting = greeter.sayHello(HelloRequest.newBuilder().setName("caller " + i).build()).getMessage();
          out.println("Echo stream: " + stream.receive().getMessage() + " | Greeter meanwhile: " + greeting);
          streamed++;
        }
        stream.halfClose();
        if (stream.receive() != null) {
          throw new IllegalStateException("Echo sent more responses than requests");
        }
      }

      int threads = options.number("threads");
      int calls = options.number("calls");
      AtomicInteger greetings = new AtomicInteger();
      AtomicInteger echoes = new AtomicInteger();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int c = 0; c < calls; c++) {
              String name = thread + "/" + c;
              if (greeter.sayHello(HelloRequest.newBuilder().setName(name).build()).getMessage()
                  .equals("Hello, " + name + "!")) {
                greetings.incrementAndGet();
              }
              if (echo.unaryEcho(request(name)).getMessage().equals(name)) {
                echoes.incrementAndGet();
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      }
      out.println("interleaved from " + threads + " threads: " + greetings.get() + " Greeter and " + echoes.get()
          + " Echo calls on one channel" + demo.connectionsText());
      boolean ok = streamed == 3 && greetings.get() == threads * calls && echoes.get() == threads * calls;
      return ok ? 0 : 1;
    }
  }

  private static EchoRequest request(String message) {
    return EchoRequest.newBuilder().setMessage(message).build();
  }
}
