package rpc.transport.jetty.internal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;
import rpc.api.CallOptions;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.Target;

/**
 * A channel's client transport: one HTTP/2 connection to the target at a time, shared by all calls
 * as streams, with a queue for calls waiting for the connection or for a stream slot.
 *
 * <p>Connection states follow grpc's: IDLE (connect on the next call), CONNECTING, READY,
 * TRANSIENT_FAILURE (after a failed attempt, for a backoff delay: calls fail fast with
 * {@code UNAVAILABLE} unless they wait for ready), SHUTDOWN. A connection that drops or receives
 * GOAWAY is left to finish its streams while new calls go to a new connection.
 *
 * <p>Thread-safe.
 */
public final class JettyClientTransport implements ClientTransport {
  /** Connection events: DEBUG on a healthy run; WARNING for a failed TLS handshake. */
  static final System.Logger LOG = System.getLogger("rpc.transport.jetty.client");
  private static final String VERSION = "0.1.0";

  private enum State { IDLE, CONNECTING, READY, TRANSIENT_FAILURE }

  private final ClientTransportConfig config;
  private final TransportSettings settings;
  private final HTTP2Client client;
  private final SslContextFactory.Client ssl;
  private final String host;
  private final int port;
  private final String authority;
  private final HttpURI baseUri;
  private final HttpField userAgent;

  private final ReentrantLock lock = new ReentrantLock();
  private State state = State.IDLE;
  private ClientConnection current;
  private Status lastFailure;
  private final ArrayDeque<JettyClientCall<?, ?>> waiting = new ArrayDeque<>();
  private final Set<JettyClientCall<?, ?>> live = ConcurrentHashMap.newKeySet();
  private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
  private long backoffNanos;
  private Scheduler.Task retryTask;
  private boolean shutdown;
  private boolean terminating;
  private final CountDownLatch terminated = new CountDownLatch(1);

  /**
   * Creates the transport; does not connect yet.
   *
   * @throws IllegalArgumentException if the target has no valid port or TLS cannot be set up
   */
  public JettyClientTransport(ClientTransportConfig config) {
    this.config = config;
    this.settings = TransportSettings.from(config.options(), config.idleTimeout(), java.time.Duration.ofMinutes(30));
    Target target = config.target();
    // An SSLContext means TLS, as in grpc: the target names the address, the channel its security.
    // Only an explicit http:// contradicts it.
    if (config.sslContext() != null && target.scheme().equals("http")) {
      throw new IllegalArgumentException("target " + target.text() + " asks for cleartext (http://) but the channel has"
          + " an sslContext: use https://" + target.authority() + " or " + target.authority() + " for TLS, or drop"
          + " the sslContext");
    }
    boolean tls = target.scheme().equals("https") || config.sslContext() != null;
    this.host = target.host();
    this.port = target.port(tls ? 443 : 80);
    this.authority = target.authority();
    this.baseUri = HttpURI.build().scheme(tls ? "https" : "http").host(host).port(port).asImmutable();
    String ua = "rpc-java/" + VERSION;
    this.userAgent = new HttpField(HttpHeader.USER_AGENT, config.userAgent() == null ? ua : config.userAgent() + " " + ua);
    this.ssl = tls ? newSslFactory(config.sslContext()) : null;
    this.client = SharedHttp2Client.acquire(settings);
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
    lock.lock();
    try {
      return state == State.TRANSIENT_FAILURE || state == State.CONNECTING ? lastFailure : null;
    } finally {
      lock.unlock();
    }
  }

  ByteBufferPool bufferPool() {
    return client.getByteBufferPool();
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

  // ---- calls ----

  /** Admits a starting call; returns why it must fail instead, or null. */
  Status register(JettyClientCall<?, ?> call) {
    lock.lock();
    try {
      if (shutdown) {
        return Status.UNAVAILABLE.withDescription("channel to " + authority + " is shut down");
      }
      if (state == State.TRANSIENT_FAILURE && !call.waitForReady()) {
        return lastFailure;
      }
      live.add(call);
      if (state == State.IDLE) {
        startConnect();
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Opens the call's stream now if a connection has a free slot, or queues it. */
  void open(JettyClientCall<?, ?> call) {
    ClientConnection conn = null;
    Status failure = null;
    lock.lock();
    try {
      if (call.isClosed()) {
        return;
      }
      retireClosingConnection(true);
      if (state == State.READY && current != null && current.hasSlot() && waiting.isEmpty()) {
        conn = current;
        conn.active++;
      } else if (state == State.TRANSIENT_FAILURE && !call.waitForReady()) {
        failure = lastFailure;
      } else {
        waiting.add(call);
        if (state == State.IDLE) {
          startConnect();
        }
      }
    } finally {
      lock.unlock();
    }
    if (conn != null) {
      call.openOn(conn);
    } else if (failure != null) {
      call.fail(failure);
    } else {
      drainWaiting();
    }
  }

  /** Opens waiting calls while the current connection has free slots. */
  void drainWaiting() {
    List<JettyClientCall<?, ?>> toOpen = null;
    ClientConnection conn;
    lock.lock();
    try {
      retireClosingConnection(!waiting.isEmpty());
      conn = current;
      if (state == State.IDLE && !waiting.isEmpty() && !terminating) {
        // A call requeued after its connection went away (GOAWAY, say) while nothing was waiting
        // to reconnect: without this it would wait for ever.
        startConnect();
        return;
      }
      if (state != State.READY || conn == null) {
        return;
      }
      while (!waiting.isEmpty() && conn.hasSlot()) {
        JettyClientCall<?, ?> call = waiting.poll();
        if (call.isClosed()) {
          continue;
        }
        conn.active++;
        if (toOpen == null) {
          toOpen = new ArrayList<>();
        }
        toOpen.add(call);
      }
    } finally {
      lock.unlock();
    }
    if (toOpen != null) {
      for (JettyClientCall<?, ?> call : toOpen) {
        call.openOn(conn);
      }
    }
  }

  /** A call's stream ended (or never opened): its slot is free. */
  void releaseSlot(ClientConnection conn) {
    lock.lock();
    try {
      conn.active--;
    } finally {
      lock.unlock();
    }
    drainWaiting();
  }

  /**
   * Jetty refused the call's stream before sending anything: free its slot and queue it again,
   * first in line. A closing connection is retired so the call goes to a new one.
   */
  void requeue(JettyClientCall<?, ?> call, ClientConnection conn) {
    lock.lock();
    try {
      conn.active--;
      call.clearSlot();
      waiting.addFirst(call);
    } finally {
      lock.unlock();
    }
    Session session = conn.session();
    if (session == null || session.isClosed()) {
      onGoAway(conn);
    }
    // If no stream of this connection is left to end and free a slot, nothing else would retry.
    client.getScheduler().schedule(this::drainWaiting, 20, TimeUnit.MILLISECONDS);
  }

  /** The call ended before opening: drop it from the queue. */
  void forget(JettyClientCall<?, ?> call) {
    lock.lock();
    try {
      waiting.remove(call);
    } finally {
      lock.unlock();
    }
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

  /**
   * Under the lock: a current connection that Jetty is closing (an error GOAWAY it sent, say)
   * before its listener heard of it takes no more calls; they go to a new connection.
   */
  private void retireClosingConnection(boolean connect) {
    if (state == State.READY && current != null && current.isGoingAway()) {
      current.draining = true;
      current = null;
      state = State.IDLE;
      if (connect && !terminating) {
        startConnect();
      }
    }
  }

  // ---- connecting ----

  /** Under the lock. */
  private void startConnect() {
    state = State.CONNECTING;
    ClientConnection conn = new ClientConnection(this, ssl != null);
    connections.add(conn);
    client.getExecutor().execute(() -> connect(conn));
  }

  private void connect(ClientConnection conn) {
    InetSocketAddress address = new InetSocketAddress(host, port); // resolves; off the caller's thread
    if (address.isUnresolved()) {
      failConnecting(conn, new java.net.UnknownHostException(host));
      return;
    }
    try {
      client.connect(ssl, address, conn, new Promise<>() {
        @Override
        public void succeeded(Session session) {
          connected(conn, session);
        }

        @Override
        public void failed(Throwable x) {
          failConnecting(conn, x);
        }
      });
    } catch (RuntimeException e) {
      failConnecting(conn, e);
    }
  }

  /**
   * The TCP (and TLS) connection is up and the preface sent. It is not ready yet: only the server's
   * SETTINGS frame shows it speaks HTTP/2 and has accepted the connection (a closing server's
   * listen backlog completes TCP handshakes nobody will serve), so streams wait until then.
   */
  private void connected(ClientConnection conn, Session session) {
    conn.attach(session, config.idleTimeout());
    long timeout = settings.connectTimeout().toMillis();
    client.getScheduler().schedule(() -> failConnecting(conn, new java.util.concurrent.TimeoutException(
        "the server sent no HTTP/2 SETTINGS within " + timeout + " ms")), timeout, TimeUnit.MILLISECONDS);
    maybeReady(conn);
  }

  /** Makes {@code conn} the current connection once it is attached and the server's SETTINGS came. */
  void maybeReady(ClientConnection conn) {
    if (conn.session() == null || !conn.settingsReceived() || !conn.settle()) {
      return;
    }
    boolean close;
    lock.lock();
    try {
      close = terminating || conn.isClosed();
      if (!close) {
        current = conn;
        state = State.READY;
        backoffNanos = 0;
        lastFailure = null;
      }
    } finally {
      lock.unlock();
    }
    if (close) {
      conn.close("channel shut down");
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, () -> "connected to " + baseUri.getAuthority() + (ssl != null ? " (TLS)" : " (h2c)")
        + " from " + conn.session().getLocalSocketAddress());
    conn.startKeepAlive(client.getScheduler(), config.keepAliveTime(), settings.keepAliveTimeout());
    drainWaiting();
  }

  /** A connection attempt failed (before the connection became ready); once per connection. */
  private void failConnecting(ClientConnection conn, Throwable x) {
    if (conn.settle()) {
      conn.close("connection attempt failed");
      connectFailed(conn, x);
    }
  }

  private void connectFailed(ClientConnection conn, Throwable x) {
    connections.remove(conn);
    List<JettyClientCall<?, ?>> failFast = new ArrayList<>();
    String why = x instanceof java.io.IOException && x.getMessage() != null && !(x instanceof java.net.UnknownHostException)
        ? x.getMessage() : x.toString();
    String where = baseUri.getAuthority().equals(authority) ? authority
        : baseUri.getAuthority() + " (the default port: the target '" + authority + "' names none)";
    Status status = Status.UNAVAILABLE.withDescription("cannot connect to " + where + ": " + why).withCause(x);
    if (tlsFailure(x)) {
      LOG.log(System.Logger.Level.WARNING, "TLS handshake with " + baseUri.getAuthority() + " failed: " + why, x);
    } else {
      LOG.log(System.Logger.Level.DEBUG, () -> status.description());
    }
    lock.lock();
    try {
      if (terminating) {
        failFast.addAll(waiting);
        waiting.clear();
      } else {
        state = State.TRANSIENT_FAILURE;
        lastFailure = status;
        waiting.removeIf(c -> {
          if (!c.waitForReady()) {
            failFast.add(c);
            return true;
          }
          return false;
        });
        scheduleRetry();
      }
    } finally {
      lock.unlock();
    }
    for (JettyClientCall<?, ?> c : failFast) {
      c.fail(status);
    }
  }

  /** Under the lock: grpc's connection backoff (1 s, ×1.6, ±20% jitter, at most 2 min by default). */
  private void scheduleRetry() {
    long initial = settings.initialBackoff().toNanos();
    long max = settings.maxBackoff().toNanos();
    backoffNanos = backoffNanos == 0 ? initial : Math.min(max, (long) (backoffNanos * 1.6));
    long jittered = (long) (backoffNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    retryTask = client.getScheduler().schedule(this::retry, Math.max(1, jittered), TimeUnit.NANOSECONDS);
    LOG.log(System.Logger.Level.DEBUG, () -> "next connection attempt to " + baseUri.getAuthority() + " in "
        + TimeUnit.NANOSECONDS.toMillis(jittered) + " ms");
  }

  private static boolean tlsFailure(Throwable x) {
    for (Throwable c = x; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  private void retry() {
    lock.lock();
    try {
      retryTask = null;
      if (state != State.TRANSIENT_FAILURE || terminating) {
        return;
      }
      if (waiting.isEmpty()) {
        state = State.IDLE; // the next call connects
      } else {
        startConnect();
      }
    } finally {
      lock.unlock();
    }
  }

  void onGoAway(ClientConnection conn) {
    lock.lock();
    try {
      conn.draining = true;
      if (current == conn) {
        current = null;
        state = State.IDLE;
        if (!waiting.isEmpty() && !terminating) {
          startConnect();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  void onConnectionClosed(ClientConnection conn) {
    if (!conn.settingsReceived()) {
      failConnecting(conn, new java.io.IOException(conn.describeFailure("input_shutdown")));
      return;
    }
    connections.remove(conn);
    lock.lock();
    try {
      conn.draining = true;
      if (current == conn) {
        current = null;
        state = State.IDLE;
        if (!waiting.isEmpty() && !terminating) {
          startConnect();
        }
      }
    } finally {
      lock.unlock();
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
      if (retryTask != null) {
        retryTask.cancel();
        retryTask = null;
      }
      current = null;
    } finally {
      lock.unlock();
    }
    for (ClientConnection c : List.copyOf(connections)) {
      c.close("channel shut down");
    }
    connections.clear();
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
    return "JettyClientTransport{" + config.target().text() + ", state=" + state + "}";
  }
}
