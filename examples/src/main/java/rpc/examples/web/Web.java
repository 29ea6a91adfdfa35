package rpc.examples.web;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import rpc.api.Cors;
import rpc.api.Server;
import rpc.examples.helloworld.GreeterService;
import rpc.examples.internal.Demo;
import rpc.examples.internal.JettyLogs;
import rpc.examples.internal.Options;
import rpc.examples.routeguide.RouteGuideService;

/**
 * The web example: a page in the browser calls the rpc server directly, with no proxy. The rpc
 * server (Greeter and RouteGuide, gRPC, gRPC-Web and Connect on one port) allows the page's origin
 * by CORS; the page, built from {@code examples/web}, is served from a second port by the JDK's
 * HTTP server. It serves both until the process is stopped.
 * Thread-safe (stateless).
 *
 * <p>Options: {@code --port P} for the rpc server and {@code --page-port P} for the page (default:
 * free ports).
 */
public final class Web {
  private Web() {}

  /**
   * The two servers of one run. Closing it stops the page and shuts the rpc server down gracefully.
   *
   * @param rpc the rpc server
   * @param page the page's server
   */
  record Running(Server rpc, PageServer page) implements AutoCloseable {
    /** The rpc server's base URL, which the page calls. */
    String rpcUrl() {
      return "http://127.0.0.1:" + rpc.port();
    }

    /** The page's address. */
    String pageUrl() {
      return page.origin() + "/";
    }

    @Override
    public void close() throws InterruptedException {
      page.close();
      rpc.shutdown();
      if (!rpc.awaitTermination(Duration.ofSeconds(10))) {
        rpc.shutdownNow();
      }
    }
  }

  /** Runs the example and exits with its status. */
  public static void main(String[] args) throws Exception {
    JettyLogs.warningsOnlyUnlessConfigured();
    System.exit(run(args, System.out));
  }

  /** Serves until the process is stopped; prints both addresses to {@code out} first. */
  public static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
    Running running = start(Options.parse(args, Map.of("page-port", 0)));
    out.println("rpc server listening on " + running.rpcUrl()
        + " (gRPC, gRPC-Web and Connect; CORS allows " + running.page().origin() + ")");
    out.println("page served on " + running.pageUrl() + " (open it in a browser); stop both with Ctrl-C");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stopped.countDown();
      }
    }, "web-shutdown"));
    stopped.await();
    return 0;
  }

  /** Starts the rpc server, allowing the page's origin, then the page's server. */
  static Running start(Options options) throws IOException {
    PageServer page = new PageServer(options.number("page-port"));
    try {
      // The page may be opened as 127.0.0.1 or as localhost: two origins to a browser.
      Cors cors = Cors.allowOrigins(page.origin(), page.localhostOrigin());
      Server rpc = Demo.startServer("web", options,
          List.of(new GreeterService().bindService(), new RouteGuideService().bindService()),
          builder -> builder.cors(cors));
      Running running = new Running(rpc, page);
      try {
        page.start(running.rpcUrl());
      } catch (RuntimeException e) {
        rpc.shutdownNow();
        throw e;
      }
      return running;
    } catch (IOException | RuntimeException e) {
      page.close();
      throw e;
    }
  }
}
