package rpc.transport.jetty.internal.server;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.WindowRateControl;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import rpc.api.Status;
import rpc.api.spi.ServerCallAcceptor;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.transport.jetty.internal.stream.TransportSettings;
import rpc.transport.jetty.internal.stream.TransportThreads;
import rpc.transport.jetty.internal.web.WebHandler;

/**
 * The server side: a Jetty {@link Server} with one connector. gRPC runs over HTTP/2 (prior-knowledge
 * h2c in plaintext, or h2 negotiated by ALPN over TLS) on Jetty's low-level HTTP/2 API; on the same
 * port, HTTP/1.1 and the HTTP/2 streams that are not gRPC reach {@link WebHandler} (gRPC-Web, the
 * Connect protocol, CORS preflights) through Jetty's own HTTP handling. It listens on
 * a TCP port, or on a Unix domain socket for a {@code unix:} address (plaintext only; see
 * {@link UnixSocketFile} for the socket file).
 *
 * <p>Thread-safe.
 */
public final class JettyServerTransport implements ServerTransport {
  /** Connection events: DEBUG (a healthy run logs nothing above it). */
  static final System.Logger LOG = System.getLogger("rpc.transport.jetty.server");
  private static final AtomicInteger LIVE_CALLS = new AtomicInteger();

  private final ServerTransportConfig config;
  private final TransportSettings settings;
  private final ConnectionPolicy policy;
  /** Open sessions and their connections (which keep the peer's address: a closed session no longer knows it). */
  private final java.util.Map<Session, ServerConnection> sessions = new ConcurrentHashMap<>();
  private final Set<JettyServerCall<?, ?>> calls = ConcurrentHashMap.newKeySet();
  /** gRPC-Web and Connect calls (HTTP/1.1 or HTTP/2), which have no session of their own here. */
  private final Set<Object> web = ConcurrentHashMap.newKeySet();
  private final WebHandler.Calls webCalls = new WebHandler.Calls() {
    @Override
    public boolean admit(Object call) {
      if (shuttingDown.get()) {
        return false;
      }
      web.add(call);
      LIVE_CALLS.incrementAndGet();
      return true;
    }

    @Override
    public void ended(Object call) {
      if (web.remove(call)) {
        LIVE_CALLS.decrementAndGet();
        stopIfDrained();
      }
    }
  };
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile Server server;
  private volatile AbstractConnector connector;
  /** The socket file when listening on a Unix domain socket, else null. */
  private final UnixSocketFile socketFile;
  private volatile ServerSessionHandler handler;
  private volatile int boundPort = -1;

  /** Creates the transport; {@link #start} binds it. */
  public JettyServerTransport(ServerTransportConfig config) {
    this.config = config;
    this.settings = TransportSettings.from(config.options(), config.idleTimeout(), Duration.ofHours(1));
    this.policy = ConnectionPolicy.from(config.options());
    if (config.address().scheme().equals("unix")) {
      if (config.sslContext() != null) {
        throw new IllegalArgumentException("TLS over a Unix domain socket is not supported (listen address '"
            + config.address().text() + "'): drop the sslContext; the socket file's permissions decide who may"
            + " connect");
      }
      this.socketFile = new UnixSocketFile(java.nio.file.Path.of(config.address().authority()));
      return;
    }
    this.socketFile = null;
    if (config.address().port(-1) < 0) { // also fails early on a malformed port
      // A channel dials port 80 (443 with TLS) when its target has none; a server choosing one
      // silently would listen where the same string does not lead.
      throw new IllegalArgumentException("listen address '" + config.address().text() + "' has no port: give one ("
          + config.address().host() + ":50051), or " + config.address().host() + ":0 for any free port");
    }
  }

  @Override
  public void start(ServerCallAcceptor acceptor) throws IOException {
    QueuedThreadPool threads = TransportThreads.pool("rpc-jetty-server");
    Server s = new Server(threads, new ScheduledExecutorScheduler("rpc-jetty-server-scheduler", true), null);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(settings.maxHeaderListSize());
    http.setResponseHeaderSize(settings.maxHeaderListSize());
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    if (socketFile != null) {
      // Jetty's HTTP/1.1 side otherwise takes the socket path for the server's authority, finds it
      // no host name, and answers every connection (even one that opens with the HTTP/2 preface) 400.
      http.setServerAuthority(new org.eclipse.jetty.util.HostPort("localhost"));
    }
    ServerSessionHandler h = new ServerSessionHandler(this, acceptor, config.maxInboundMessageSize());
    // gRPC streams go to our own listener; every other request, HTTP/1.1 or HTTP/2, to the web handler.
    s.setHandler(new WebHandler(acceptor, webCalls, config.cors(), config.maxInboundMessageSize()));
    AbstractHTTP2ServerConnectionFactory h2 = config.sslContext() != null ? new SessionRouter.Tls(http, h)
        : new SessionRouter.Cleartext(http, h);
    h2.addEventListener(h); // each session gets it as a frame listener: see onIncomingFrame
    h2.setInitialSessionRecvWindow(settings.sessionReceiveWindow());
    h2.setInitialStreamRecvWindow(settings.streamReceiveWindow());
    h2.setMaxConcurrentStreams(config.maxConcurrentStreams());
    h2.setRateControlFactory(new WindowRateControl.Factory(settings.resetRateLimit()));
    h2.setStreamIdleTimeout(0); // = the connection's; our streams decline idle timeouts anyway
    h2.setConnectProtocolEnabled(false);
    ConnectionFactory[] factories;
    if (config.sslContext() != null) {
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setSslContext(config.sslContext());
      if (config.requireClientAuth()) {
        tls.setNeedClientAuth(true);
      }
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
      alpn.setDefaultProtocol("h2");
      factories = new ConnectionFactory[] {new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2,
          new HttpConnectionFactory(http)};
    } else {
      // HTTP/1.1 first: it hands a connection that opens with the HTTP/2 preface (prior knowledge,
      // as gRPC clients connect) or asks to upgrade to h2c.
      factories = new ConnectionFactory[] {new HttpConnectionFactory(http), h2};
    }
    AbstractConnector c;
    if (socketFile != null) {
      socketFile.prepare();
      c = socketFile.newConnector(s, factories);
    } else {
      ServerConnector tcp = new ServerConnector(s, 1, TransportThreads.selectors(), factories);
      String host = config.address().host();
      tcp.setHost(host.isEmpty() ? null : host);
      tcp.setPort(config.address().port(0));
      tcp.setReuseAddress(true);
      c = tcp;
    }
    c.setIdleTimeout(settings.idleTimeout().toMillis());
    s.addConnector(c);
    this.handler = h;
    this.connector = c;
    this.server = s;
    try {
      s.start();
      if (c instanceof ServerConnector tcp) {
        boundPort = tcp.getLocalPort();
      } else {
        socketFile.bound();
      }
    } catch (IOException e) {
      stopQuietly(s, c);
      throw e;
    } catch (Exception e) {
      stopQuietly(s, c);
      Throwable cause = e.getCause() instanceof IOException io ? io : e;
      throw new IOException("cannot listen on " + config.address().text() + ": " + cause.getMessage(), cause);
    }
  }

  private void stopQuietly(Server s, AbstractConnector c) {
    if (c instanceof UnixDomainServerConnector unix) {
      socketFile.release(unix); // not bound: only keeps Jetty off a file that may be another server's
    }
    try {
      s.stop();
    } catch (Exception ignored) {
      // already failing
    }
  }

  ByteBufferPool bufferPool() {
    return connector.getByteBufferPool();
  }

  /** The connector's thread pool, where writes of streams in full flow start. */
  java.util.concurrent.Executor executor() {
    return connector.getExecutor();
  }

  boolean isShuttingDown() {
    return shuttingDown.get();
  }

  @Override
  public String localAddress() {
    if (socketFile != null) {
      String path = socketFile.path().toString();
      return path.startsWith("/") ? "unix://" + path : "unix:" + path;
    }
    String host = config.address().host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    int port = boundPort;
    return host + ":" + (port < 0 ? config.address().port(0) : port);
  }

  @Override
  public int port() {
    return boundPort; // Jetty's connector forgets its port once closed; a server keeps reporting it
  }

  /**
   * Closes the listening socket (a Unix domain socket's file goes with it, if it is still this
   * server's); established connections carry on.
   */
  private void stopListening() {
    AbstractConnector c = connector;
    if (c instanceof ServerConnector tcp) {
      tcp.close();
    } else if (c instanceof UnixDomainServerConnector unix) {
      socketFile.release(unix);
    }
  }

  // ---- sessions and calls ----

  void sessionOpened(Session s) {
    String peer = String.valueOf(s.getRemoteSocketAddress());
    LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + peer + " on port " + port());
    ServerConnection c = new ServerConnection(s, peer, policy, server.getScheduler());
    sessions.put(s, c);
    c.start();
    if (shuttingDown.get()) {
      // Accepted as the listener closed: it carries no call, so refuse it now (GOAWAY, last stream
      // 0) rather than leave the client waiting for a server that is going away.
      s.close(ErrorCode.NO_ERROR.code, "server shutting down", Callback.NOOP);
    }
  }

  void sessionClosed(Session s, Throwable failure) {
    ServerConnection c = sessions.remove(s);
    if (c != null) {
      c.closed();
      LOG.log(System.Logger.Level.DEBUG, "connection from " + c.peer() + (failure == null ? " closed" : " failed"),
          failure);
    }
  }

  /** The state of an open session's connection, or null once it has closed. */
  ServerConnection connection(Session s) {
    return sessions.get(s);
  }

  void callStarted(JettyServerCall<?, ?> call) {
    if (calls.add(call)) {
      LIVE_CALLS.incrementAndGet();
      ServerConnection c = sessions.get(call.session());
      if (c != null) {
        c.callStarted(call);
        call.gatherWith(c.writes());
      }
    }
  }

  void callEnded(JettyServerCall<?, ?> call) {
    if (calls.remove(call)) {
      LIVE_CALLS.decrementAndGet();
      ServerConnection c = sessions.get(call.session());
      if (c != null) {
        c.callEnded(call);
      }
      stopIfDrained();
    }
  }

  private void stopIfDrained() {
    if (shuttingDown.get() && calls.isEmpty() && web.isEmpty()) {
      stop(); // graceful shutdown ends with the last call
    }
  }

  /** Calls whose stream is still open, over all servers in this JVM (for tests and diagnostics). */
  public static int liveCallsInAllServers() {
    return LIVE_CALLS.get();
  }

  /** Calls whose stream is still open on this server. */
  public int liveCalls() {
    return calls.size() + web.size();
  }

  // ---- lifecycle ----

  @Override
  public void shutdown() {
    if (!shuttingDown.compareAndSet(false, true)) {
      return;
    }
    stopListening(); // established connections carry on
    List<Session> open = List.copyOf(sessions.keySet());
    LOG.log(System.Logger.Level.DEBUG, () -> "shutting down port " + port() + ": GOAWAY to " + open.size()
        + " connections, " + calls.size() + " calls in flight");
    for (Session s : open) {
      ServerConnection conn = sessions.get(s);
      if (conn != null) {
        conn.closed(); // no age or idle limit drains it now: the shutdown does
      }
      s.shutdown(); // GOAWAY; the connection closes when its last stream ends
    }
    stopIfDrained();
  }

  @Override
  public void shutdownNow() {
    shutdown();
    Status status = Status.UNAVAILABLE.withDescription("server shutting down");
    for (JettyServerCall<?, ?> call : List.copyOf(calls)) {
      call.fail(status); // the client hears why before the connection closes
    }
    for (Object call : List.copyOf(web)) {
      WebHandler.fail(call, status);
    }
    stop();
  }

  /** Closes every connection and stops Jetty, once. */
  private void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    for (Session s : List.copyOf(sessions.keySet())) {
      s.close(ErrorCode.NO_ERROR.code, "server shutting down", Callback.NOOP);
    }
    Server s = server;
    if (s == null) {
      stopped.complete(null);
      return;
    }
    // Stopping joins Jetty's threads: never on one of them (shutdownNow may be called from a callback).
    Thread.ofPlatform().daemon().name("rpc-jetty-server-stop").start(() -> {
      try {
        s.stop();
      } catch (Exception ignored) {
        // best effort: its threads are daemons
      } finally {
        stopped.complete(null);
      }
    });
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      stopped.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  @Override
  public String toString() {
    return "JettyServerTransport{" + localAddress() + "}";
  }

}
