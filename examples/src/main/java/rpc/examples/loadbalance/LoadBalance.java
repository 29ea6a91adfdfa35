package rpc.examples.loadbalance;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.ServerCallHandler;
import rpc.api.ServerInterceptor;
import rpc.api.ServerStream;
import rpc.api.StatusException;
import rpc.examples.helloworld.GreeterRpc;
import rpc.examples.helloworld.GreeterService;
import rpc.examples.helloworld.HelloRequest;
import rpc.examples.internal.JettyLogs;
import rpc.examples.internal.Options;

/**
 * The loadbalance example: three Greeter servers on 127.0.0.1, one channel whose target lists all
 * three ({@code ipv4:127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3}) and whose service config picks
 * {@code round_robin} and retries {@code UNAVAILABLE}; client threads call it while, a third of the
 * way through, one server shuts down (as in a deploy or a scale-down). It prints how many calls each server answered and how many
 * failed: none. Thread-safe (stateless).
 *
 * <p>Options: {@code --threads N} (default 8), {@code --calls N} per thread (default 300).
 */
public final class LoadBalance {
  /** The service config: round_robin, and up to 4 attempts for a call that fails UNAVAILABLE. */
  static final Map<String, ?> SERVICE_CONFIG = Map.of(
      "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
      "methodConfig", List.of(Map.of(
          "name", List.of(Map.of("service", "helloworld.Greeter")),
          "timeout", "10s",
          "retryPolicy", Map.of(
              "maxAttempts", 4,
              "initialBackoff", "0.05s",
              "maxBackoff", "0.5s",
              "backoffMultiplier", 2,
              "retryableStatusCodes", List.of("UNAVAILABLE")))));

  private LoadBalance() {}

  /** Runs the example and exits with its status. */
  public static void main(String[] args) throws Exception {
    JettyLogs.warningsOnlyUnlessConfigured();
    System.exit(run(args, System.out));
  }

  /** Runs the example, printing to {@code out}; 0 when no call failed. */
  public static int run(String[] args, PrintStream out) throws Exception {
    Options options = Options.parse(args, Map.of("threads", 8, "calls", 300));
    if (options.serverOnly() || options.target() != null || !options.transport().equals(Options.JETTY)) {
      throw new IllegalArgumentException("loadbalance starts its own three servers over HTTP/2: it takes only"
          + " --threads and --calls");
    }
    int threads = options.number("threads");
    int calls = options.number("calls");
    List<Server> servers = new ArrayList<>();
    List<AtomicInteger> answered = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        AtomicInteger count = new AtomicInteger();
        answered.add(count);
        servers.add(Server.newBuilder().listen("127.0.0.1", 0)
            .addService(new GreeterService().bindService())
            .intercept(counting(count))
            .build().start());
      }
      String target = "ipv4:" + servers.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
      out.println("three servers: " + servers.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(", ")));
      out.println("channel target: " + target + " (round_robin, retrying UNAVAILABLE)");
      try (Channel channel = Channel.newBuilder(target).defaultServiceConfig(SERVICE_CONFIG).build()) {
        GreeterRpc.Client greeter = GreeterRpc.newClient(channel);
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(threads * calls / 3);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          List<Future<?>> workers = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
              for (int i = 0; i < calls; i++) {
                try {
                  greeter.sayHello(HelloRequest.newBuilder().setName("call " + i).build());
                } catch (StatusException e) {
                  if (failed.incrementAndGet() <= 3) {
                    out.println("call failed: " + e.getMessage());
                  }
                }
                third.countDown();
              }
              return null;
            }));
          }
          if (third.await(60, TimeUnit.SECONDS)) {
            Server victim = servers.get(2);
            victim.shutdown(); // stops taking calls (GOAWAY); calls already on it finish
            out.println("shut down the server on 127.0.0.1:" + victim.port() + " after " + (threads * calls / 3)
                + " calls");
          }
          for (Future<?> w : workers) {
            w.get(120, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
        }
        for (int i = 0; i < servers.size(); i++) {
          out.println("  127.0.0.1:" + servers.get(i).port() + " answered " + answered.get(i).get() + " calls"
              + (i == 2 ? " (shut down)" : ""));
        }
        int total = threads * calls;
        out.println((total - failed.get()) + " of " + total + " calls succeeded, " + failed.get() + " failed");
        return failed.get() == 0 ? 0 : 1;
      }
    } finally {
      for (Server s : servers) {
        s.shutdownNow();
      }
      for (Server s : servers) {
        s.awaitTermination(Duration.ofSeconds(10));
      }
    }
  }

  /** Counts the calls a server's handlers answered. */
  private static ServerInterceptor counting(AtomicInteger count) {
    return new ServerInterceptor() {
      @Override
      public <Req, Resp> void intercept(ServerStream<Resp, Req> stream, ServerCallHandler<Req, Resp> next)
          throws Exception {
        next.handle(stream);
        count.incrementAndGet();
      }
    };
  }
}
