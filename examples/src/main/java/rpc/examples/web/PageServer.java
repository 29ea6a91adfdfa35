package rpc.examples.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the web example's page, {@code index.html} and its script {@code app.js}, from the
 * examples' resources with the JDK's own HTTP server, on an origin of its own: another port than
 * the rpc server's, so every call the page makes is cross-origin. The rpc server's address is
 * written into the page, where a {@code {{rpc-server}}} placeholder stands.
 *
 * <p>Thread-safe: requests are answered at once, each on its own virtual thread, from bytes read
 * once at construction.
 */
final class PageServer implements AutoCloseable {
  private static final String PLACEHOLDER = "{{rpc-server}}";

  private final HttpServer http;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile Map<String, Page> pages = Map.of();

  private record Page(String contentType, byte[] body) {}

  /**
   * Binds 127.0.0.1 on {@code port} (0 for a free one) without serving yet, so that its origin is
   * known before the rpc server, which must allow it, is started.
   */
  PageServer(int port) throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    http.setExecutor(executor);
    http.createContext("/", this::handle);
  }

  /** The origin browsers send in {@code Origin} when they load the page from this server. */
  String origin() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** The same server named {@code localhost}: another origin to a browser. */
  String localhostOrigin() {
    return "http://localhost:" + http.getAddress().getPort();
  }

  /**
   * Starts serving the page, telling it to call {@code rpcServer}.
   *
   * @param rpcServer the rpc server's base URL, such as {@code http://127.0.0.1:50051}
   * @throws IllegalStateException if the page is not among the resources (the bundle was not built)
   */
  void start(String rpcServer) {
    String html = new String(resource("index.html"), StandardCharsets.UTF_8);
    if (!html.contains(PLACEHOLDER)) {
      throw new IllegalStateException("index.html has no " + PLACEHOLDER + " for the rpc server's address");
    }
    pages = Map.of(
        "/", new Page("text/html; charset=utf-8", html.replace(PLACEHOLDER, rpcServer).getBytes(StandardCharsets.UTF_8)),
        "/app.js", new Page("text/javascript; charset=utf-8", resource("app.js")));
    http.start();
  }

  private static byte[] resource(String name) {
    try (InputStream in = PageServer.class.getResourceAsStream("page/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the page's " + name + " is missing from the examples' resources"
            + " (rpc/examples/web/page): run `npm ci && npm run build` in examples/web, then rebuild the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Page page = pages.get(path.equals("/index.html") ? "/" : path);
      String method = exchange.getRequestMethod();
      if (page == null) {
        send(exchange, 404, new Page("text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8)));
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, new Page("text/plain; charset=utf-8", "GET or HEAD only\n".getBytes(StandardCharsets.UTF_8)));
      } else {
        // A rebuilt bundle shows on the next reload.
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, 200, page);
      }
    }
  }

  private static void send(HttpExchange exchange, int status, Page page) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", page.contentType());
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : page.body().length);
    if (!head) {
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(page.body());
      }
    }
  }

  /** Stops serving at once: the page has no long requests to drain. */
  @Override
  public void close() {
    http.stop(0);
    executor.close();
  }
}
