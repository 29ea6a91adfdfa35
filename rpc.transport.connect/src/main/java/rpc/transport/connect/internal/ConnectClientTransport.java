package rpc.transport.connect.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import rpc.api.CallOptions;
import rpc.api.ConnectivityState;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.Target;

/**
 * A channel's Connect client transport: one {@link HttpClient} (its own connection pool), one
 * HTTP exchange per call. Plaintext targets use HTTP/1.1 (the JDK's client speaks HTTP/2 only over
 * TLS, where ALPN picks it); TLS targets offer HTTP/2 and accept HTTP/1.1.
 *
 * <p>The state follows the calls, as far as the JDK's client lets it be seen: IDLE until the first
 * call, CONNECTING while one waits for its first response, READY once a response came, and
 * TRANSIENT_FAILURE after a call could not connect (until the next call tries again).
 *
 * <p>Thread-safe.
 */
public final class ConnectClientTransport implements ClientTransport {
  private static final String VERSION = "0.1.0";

  private final ClientTransportConfig config;
  private final HttpClient http;
  private final URI base;
  private final String target;
  private final String userAgent;
  private final boolean tls;

  private final ReentrantLock lock = new ReentrantLock();
  private final Set<ConnectCall<?, ?>> live = ConcurrentHashMap.newKeySet();
  private boolean shutdown; // guarded by lock
  private final AtomicBoolean terminating = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);

  private volatile ConnectivityState state = ConnectivityState.IDLE;
  private volatile Status failure;
  private volatile Runnable watcher;

  /**
   * A transport for {@code config}'s target; connects with its first call.
   *
   * @param config the channel's settings
   * @throws IllegalArgumentException if the target is not one this transport serves, or has a bad port
   */
  public ConnectClientTransport(ClientTransportConfig config) {
    Settings settings = settings(config);
    this.config = config;
    this.tls = settings.tls();
    this.base = settings.base();
    this.target = config.target().text();
    String ua = "rpc-java-connect/" + VERSION;
    this.userAgent = config.userAgent() == null ? ua : config.userAgent() + " " + ua;
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (tls) {
      try {
        b.sslContext(config.sslContext() != null ? config.sslContext() : SSLContext.getDefault());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalArgumentException("no default TLS context for " + target + ": " + e.getMessage(), e);
      }
    }
    this.http = b.build();
  }

  /** What a target means to this transport. */
  private record Settings(boolean tls, URI base) {}

  /**
   * Checks that this transport can reach {@code config}'s target: {@code connect+http} or
   * {@code connect+https}, or (picked by name) {@code host:port}, {@code http://} and {@code https://}.
   *
   * @param config the channel's settings
   * @throws IllegalArgumentException naming what is wrong
   */
  public static void check(ClientTransportConfig config) {
    settings(config);
  }

  private static Settings settings(ClientTransportConfig config) {
    Target t = config.target();
    boolean tls = switch (t.scheme()) {
      case "connect+https", "https" -> true;
      case "connect+http", "http" -> false;
      case "dns" -> config.sslContext() != null;
      default -> throw new IllegalArgumentException("the connect transport cannot reach '" + t.text()
          + "': use connect+http://host:port or connect+https://host:port");
    };
    if (config.address() instanceof java.net.UnixDomainSocketAddress) {
      throw new IllegalArgumentException("the connect transport cannot reach Unix domain sockets (" + t.text()
          + "): the JDK's HTTP client connects over TCP only");
    }
    int port = t.port(tls ? 443 : 80);
    String host = t.host();
    if (host.isEmpty()) {
      throw new IllegalArgumentException("target '" + t.text() + "' has no host");
    }
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    try {
      return new Settings(tls, new URI((tls ? "https://" : "http://") + h + ":" + port));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("target '" + t.text() + "' is not a valid host and port: " + e.getMessage(), e);
    }
  }

  @Override
  public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    int max = options.maxInboundMessageSize() >= 0 ? options.maxInboundMessageSize() : config.maxInboundMessageSize();
    return new ConnectCall<>(this, method, options, max);
  }

  // ---- what calls use ----

  HttpClient http() {
    return http;
  }

  URI uri(MethodDescriptor<?, ?> method) {
    return base.resolve("/" + method.fullName());
  }

  String target() {
    return target;
  }

  String userAgent() {
    return userAgent;
  }

  /** Admits a starting call; returns why it must fail instead, or null. A refused call still ends through {@link #callEnded}. */
  Status register(ConnectCall<?, ?> call) {
    lock.lock();
    try {
      if (shutdown) {
        return Status.UNAVAILABLE.withDescription("channel to " + target + " is shut down");
      }
      live.add(call);
    } finally {
      lock.unlock();
    }
    ConnectivityState s = state;
    if (s == ConnectivityState.IDLE || s == ConnectivityState.TRANSIENT_FAILURE) {
      setState(ConnectivityState.CONNECTING, null);
    }
    return null;
  }

  /** A response came: the server is reachable. */
  void reached() {
    if (state != ConnectivityState.READY) {
      setState(ConnectivityState.READY, null);
    }
  }

  /** A call could not reach the server. */
  void unreachable(Status why) {
    setState(ConnectivityState.TRANSIENT_FAILURE, why);
  }

  /** The call delivered its onClose. */
  void callEnded(ConnectCall<?, ?> call) {
    live.remove(call);
    boolean terminate;
    lock.lock();
    try {
      terminate = shutdown && live.isEmpty();
    } finally {
      lock.unlock();
    }
    if (terminate) {
      terminate();
    }
  }

  // ---- connectivity ----

  @Override
  public ConnectivityState state() {
    return state;
  }

  @Override
  public Status failure() {
    return state == ConnectivityState.TRANSIENT_FAILURE ? failure : null;
  }

  @Override
  public void watchState(Runnable onChange) {
    watcher = onChange;
  }

  private void setState(ConnectivityState next, Status why) {
    lock.lock();
    try {
      if (state == ConnectivityState.SHUTDOWN) {
        return;
      }
      state = next;
      failure = why;
    } finally {
      lock.unlock();
    }
    Runnable w = watcher;
    if (w != null) {
      w.run();
    }
  }

  // ---- lifecycle ----

  @Override
  public void shutdown() {
    boolean terminate;
    lock.lock();
    try {
      shutdown = true;
      terminate = live.isEmpty();
      state = ConnectivityState.SHUTDOWN;
    } finally {
      lock.unlock();
    }
    Runnable w = watcher;
    if (w != null) {
      w.run();
    }
    if (terminate) {
      terminate();
    }
  }

  @Override
  public void shutdownNow() {
    shutdown();
    Status status = Status.UNAVAILABLE.withDescription("channel to " + target + " was shut down");
    for (ConnectCall<?, ?> call : live) {
      call.cancel(status);
    }
  }

  /** Every call has ended after a shutdown: close the connections. */
  private void terminate() {
    if (!terminating.compareAndSet(false, true)) {
      return;
    }
    http.shutdownNow();
    Thread.ofVirtual().name("rpc-connect-terminate").start(() -> {
      try {
        http.awaitTermination(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        terminated.countDown();
      }
    });
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  @Override
  public String toString() {
    return "ConnectClientTransport{" + target + (tls ? ", TLS" : "") + "}";
  }
}
