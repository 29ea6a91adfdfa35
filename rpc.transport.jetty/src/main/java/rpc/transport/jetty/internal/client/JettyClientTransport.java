package rpc.transport.jetty.internal.client;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import rpc.api.CallOptions;
import rpc.api.ConnectivityState;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.Target;
import rpc.transport.jetty.internal.stream.TransportSettings;

/**
 * A channel's client transport for one target or one resolved address: one HTTP/2 connection at a
 * time, shared by all calls as streams. Connections, their stream slots and the calls waiting for
 * one are the {@link ConnectionPool}'s; this class admits calls and shuts down.
 *
 * <p>Connections go to the address the channel gave ({@link ClientTransportConfig#address()}: an
 * internet address, used without resolving, or a Unix domain socket), or else to the target:
 * {@code host:port} resolved on each attempt, or the socket path of a {@code unix:} target. The
 * {@code :authority} of calls is the target's ({@code localhost} for {@code unix:} targets).
 *
 * <p>Thread-safe.
 */
public final class JettyClientTransport implements ClientTransport {
  /** Connection events: DEBUG on a healthy run; WARNING for a failed TLS handshake. */
  static final System.Logger LOG = System.getLogger("rpc.transport.jetty.client");
  private static final String VERSION = "0.1.0";

  private final ClientTransportConfig config;
  private final HTTP2Client client;
  private final SslContextFactory.Client ssl;
  private final String authority;
  private final HttpURI baseUri;
  private final HttpField userAgent;
  private final ConnectionPool pool;

  private final ReentrantLock lock = new ReentrantLock();
  private final Set<JettyClientCall<?, ?>> live = ConcurrentHashMap.newKeySet();
  private boolean shutdown;
  private boolean terminating;
  private final CountDownLatch terminated = new CountDownLatch(1);

  /**
   * Creates the transport; does not connect yet.
   *
   * @throws IllegalArgumentException if the target has no valid port, TLS cannot be set up, or TLS
   *     is asked for over a Unix domain socket
   */
  public JettyClientTransport(ClientTransportConfig config) {
    this.config = config;
    TransportSettings settings = check(config);
    Target target = config.target();
    boolean tls = target.scheme().equals("https") || config.sslContext() != null;
    boolean unixTarget = target.scheme().equals("unix");
    String host = unixTarget ? "localhost" : target.host(); // grpc's :authority for unix targets
    int port = unixTarget ? -1 : target.port(tls ? 443 : 80);
    this.authority = unixTarget ? host : target.authority();
    this.baseUri = HttpURI.build().scheme(tls ? "https" : "http").host(host).port(port).asImmutable();
    Destination destination = destination(config.address(), target, host, port);
    String ua = "rpc-java/" + VERSION;
    this.userAgent = new HttpField(HttpHeader.USER_AGENT, config.userAgent() == null ? ua : config.userAgent() + " " + ua);
    this.ssl = tls ? newSslFactory(config.sslContext()) : null;
    this.client = SharedHttp2Client.acquire(settings);
    this.pool = new ConnectionPool(client, ssl, destination, settings, config.idleTimeout(), config.keepAliveTime(),
        authority);
  }

  /**
   * Refuses settings this transport cannot honour, before anything is created: cleartext asked for
   * with an sslContext, TLS over a Unix domain socket, a port that is not a port.
   *
   * @return the settings the options give
   * @throws IllegalArgumentException naming what is wrong
   */
  public static TransportSettings check(ClientTransportConfig config) {
    TransportSettings settings = TransportSettings.from(config.options(), config.idleTimeout(), Duration.ofMinutes(30));
    Target target = config.target();
    // An SSLContext means TLS, as in grpc: the target names the address, the channel its security.
    // Only an explicit http:// contradicts it.
    if (config.sslContext() != null && target.scheme().equals("http")) {
      throw new IllegalArgumentException("target " + target.text() + " asks for cleartext (http://) but the channel has"
          + " an sslContext: use https://" + target.authority() + " or " + target.authority() + " for TLS, or drop"
          + " the sslContext");
    }
    boolean tls = target.scheme().equals("https") || config.sslContext() != null;
    boolean unix = target.scheme().equals("unix") || config.address() instanceof java.net.UnixDomainSocketAddress;
    if (tls && unix) {
      // Jetty's TLS layer names the peer after an internet address, so it could not check the
      // server's certificate; a socket file is guarded by its permissions instead.
      throw new IllegalArgumentException("TLS over a Unix domain socket is not supported (target " + target.text()
          + (config.address() == null ? "" : ", address " + config.address()) + "): drop the sslContext; the socket"
          + " file's permissions decide who may connect");
    }
    if (!target.scheme().equals("unix")) {
      target.port(tls ? 443 : 80); // throws for a port that is not one
    } else {
      int bytes = target.authority().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > TransportSettings.MAX_UNIX_PATH_BYTES) {
        throw new IllegalArgumentException("target " + target.text() + ": the socket path is " + bytes
            + " bytes, and a Unix domain socket's must be at most "
            + TransportSettings.MAX_UNIX_PATH_BYTES);
      }
    }
    return settings;
  }

  private static Destination destination(SocketAddress address, Target target, String host, int port) {
    if (target.scheme().equals("unix") && address == null) {
      return Destination.unix(Path.of(target.authority()));
    }
    String hostPort = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    String name = hostPort.equals(target.authority()) || target.scheme().equals("unix") ? hostPort
        : hostPort + " (the default port: the target '" + target.authority() + "' names none)";
    if (address != null) {
      boolean named = target.scheme().equals("dns") || target.scheme().startsWith("http");
      return Destination.of(address, host, named ? name : null);
    }
    return Destination.resolving(host, port, name);
  }

  private static SslContextFactory.Client newSslFactory(SSLContext context) {
    SslContextFactory.Client f = new SslContextFactory.Client();
    try {
      f.setSslContext(context != null ? context : SSLContext.getDefault());
      f.setEndpointIdentificationAlgorithm("HTTPS");
      f.start();
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e, e);
    }
    return f;
  }

  /** Why the last connection attempt failed, while the transport is waiting to retry; else null. */
  Status connectionFailure() {
    return pool.failureWhileConnecting();
  }

  ConnectionPool pool() {
    return pool;
  }

  ByteBufferPool bufferPool() {
    return client.getByteBufferPool();
  }

  /** The client's thread pool, where writes of streams in full flow start. */
  java.util.concurrent.Executor executor() {
    return client.getExecutor();
  }

  HttpURI baseUri() {
    return baseUri;
  }

  HttpField userAgent() {
    return userAgent;
  }

  String authority() {
    return authority;
  }

  @Override
  public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    int max = options.maxInboundMessageSize() >= 0 ? options.maxInboundMessageSize() : config.maxInboundMessageSize();
    return new JettyClientCall<>(this, method, options, max);
  }

  // ---- connectivity ----

  @Override
  public ConnectivityState state() {
    return pool.state();
  }

  @Override
  public Status failure() {
    return pool.failure();
  }

  @Override
  public void connect() {
    pool.connect();
  }

  @Override
  public void watchState(Runnable onChange) {
    pool.watch(onChange);
  }

  // ---- calls ----

  /**
   * Admits a starting call; returns why it must fail instead, or null. A refused call still ends
   * through {@link #callEnded}.
   */
  Status register(JettyClientCall<?, ?> call) {
    lock.lock();
    try {
      if (shutdown) {
        return Status.UNAVAILABLE.withDescription("channel to " + authority + " is shut down");
      }
      live.add(call);
    } finally {
      lock.unlock();
    }
    return pool.admit(call);
  }

  /** The call delivered its onClose. */
  void callEnded(JettyClientCall<?, ?> call) {
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

  // ---- lifecycle ----

  @Override
  public void shutdown() {
    boolean terminate;
    lock.lock();
    try {
      shutdown = true;
      terminate = live.isEmpty();
    } finally {
      lock.unlock();
    }
    pool.shutdown();
    if (terminate) {
      terminate();
    }
  }

  @Override
  public void shutdownNow() {
    lock.lock();
    try {
      shutdown = true;
    } finally {
      lock.unlock();
    }
    pool.shutdown();
    for (JettyClientCall<?, ?> call : List.copyOf(live)) {
      call.cancel(Status.UNAVAILABLE.withDescription("channel to " + authority + " was shut down"));
    }
    terminate();
  }

  private void terminate() {
    lock.lock();
    try {
      if (terminating) {
        return;
      }
      terminating = true;
    } finally {
      lock.unlock();
    }
    pool.close();
    if (ssl != null) {
      try {
        ssl.stop();
      } catch (Exception ignored) {
        // nothing left to release
      }
    }
    SharedHttp2Client.release(client);
    terminated.countDown();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  /** Calls started and not yet ended (for tests and diagnostics). */
  public int liveCalls() {
    return live.size();
  }

  @Override
  public String toString() {
    return "JettyClientTransport{" + config.target().text() + ", " + pool + "}";
  }
}
