package rpc.transport.jetty.internal.client;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;
import rpc.api.ConnectivityState;
import rpc.api.Status;
import rpc.api.spi.Unprocessed;
import rpc.transport.jetty.internal.stream.TransportSettings;

/**
 * The connections of one client transport and the calls waiting for a stream on them. At most one
 * connection, the current one, takes new streams; one that received GOAWAY or is closing finishes
 * its streams while new calls go to a new connection. A call that finds no free stream slot waits
 * in a queue, in order, and is woken when a slot frees, when a connection becomes ready, or when
 * the server raises its stream limit: nothing polls.
 *
 * <p>It also keeps the transport's connectivity state as grpc defines it: IDLE (connect on the next
 * call or {@link #connect()}), CONNECTING, READY, TRANSIENT_FAILURE (after a failed attempt, for a
 * backoff delay that grows from one failed attempt to the next until a connection becomes ready;
 * then IDLE again, or a new attempt at once if calls wait), and SHUTDOWN once the transport is shut
 * down. The watcher runs after each change, never under the lock.
 *
 * <p>Thread-safe: one lock guards the state and the queue; calls are opened and failed only after
 * it is released.
 */
final class ConnectionPool {
  private final HTTP2Client client;
  private final SslContextFactory.Client ssl;
  private final Destination destination;
  private final TransportSettings settings;
  private final Duration idleTimeout;
  /** Doubled each time a server says we ping too often (GOAWAY too_many_pings), as grpc clients do. */
  private volatile Duration keepAliveTime;
  private final String authority;

  private final ReentrantLock lock = new ReentrantLock();
  /** The connection's state; reported as SHUTDOWN once {@link #shutdown} is set. */
  private ConnectivityState state = ConnectivityState.IDLE;
  private boolean shutdown;
  /** No connections any more: the transport has terminated. */
  private boolean closed;
  /** The connection that takes new streams; non-null exactly when the state is READY. */
  private ClientConnection current;
  private Status lastFailure;
  private final ArrayDeque<JettyClientCall<?, ?>> waiting = new ArrayDeque<>();
  private long backoffNanos;
  private Scheduler.Task retryTask;
  /** Every connection not yet closed, whatever its state (read without the lock to close them all). */
  private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();

  private volatile Runnable watcher;
  /** Changes of the reported state, and how many of them the watcher has been told of. */
  private final AtomicLong changes = new AtomicLong();
  private final AtomicLong announced = new AtomicLong();

  ConnectionPool(HTTP2Client client, SslContextFactory.Client ssl, Destination destination, TransportSettings settings,
      Duration idleTimeout, Duration keepAliveTime, String authority) {
    this.client = client;
    this.ssl = ssl;
    this.destination = destination;
    this.settings = settings;
    this.idleTimeout = idleTimeout;
    this.keepAliveTime = keepAliveTime;
    this.authority = authority;
  }

  /** The target's authority, for messages. */
  String authority() {
    return authority;
  }

  // ---- connectivity state ----

  ConnectivityState state() {
    lock.lock();
    try {
      return shutdown ? ConnectivityState.SHUTDOWN : state;
    } finally {
      lock.unlock();
    }
  }

  /** The last connection failure while in TRANSIENT_FAILURE, else null. */
  Status failure() {
    lock.lock();
    try {
      return !shutdown && state == ConnectivityState.TRANSIENT_FAILURE ? lastFailure : null;
    } finally {
      lock.unlock();
    }
  }

  /** Why the last connection attempt failed, while a new one is awaited; else null. */
  Status failureWhileConnecting() {
    lock.lock();
    try {
      return state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.CONNECTING ? lastFailure : null;
    } finally {
      lock.unlock();
    }
  }

  void watch(Runnable onChange) {
    watcher = java.util.Objects.requireNonNull(onChange, "onChange");
  }

  /** Leaves IDLE now; does nothing in any other state. */
  void connect() {
    lock.lock();
    try {
      if (!shutdown && !closed && state == ConnectivityState.IDLE) {
        startConnect();
      }
    } finally {
      lock.unlock();
    }
    announce();
  }

  /** Reports SHUTDOWN from now on; connections carry on for the calls already admitted. */
  void shutdown() {
    lock.lock();
    try {
      if (!shutdown) {
        shutdown = true;
        changes.incrementAndGet();
      }
    } finally {
      lock.unlock();
    }
    announce();
  }

  /** Under the lock. */
  private void setState(ConnectivityState next) {
    if (state != next) {
      state = next;
      if (!shutdown) {
        changes.incrementAndGet();
      }
    }
  }

  /**
   * Runs the watcher if the state changed since it last ran. Called after every change, outside
   * the lock; of threads racing here, one runs it, after every change any of them saw.
   */
  private void announce() {
    Runnable w = watcher;
    if (w == null) {
      return;
    }
    while (true) {
      long seen = changes.get();
      long told = announced.get();
      if (told >= seen) {
        return;
      }
      if (announced.compareAndSet(told, seen)) {
        try {
          w.run();
        } catch (RuntimeException e) {
          JettyClientTransport.LOG.log(System.Logger.Level.WARNING, "connectivity state watcher failed", e);
        }
        return;
      }
    }
  }

  // ---- calls ----

  /**
   * A call is starting: null if it may go on (connecting first if idle), or the last connection
   * failure if it must fail fast.
   */
  Status admit(JettyClientCall<?, ?> call) {
    Status refused = null;
    lock.lock();
    try {
      if (state == ConnectivityState.TRANSIENT_FAILURE && !call.waitForReady()) {
        refused = lastFailure;
      } else if (state == ConnectivityState.IDLE && !closed) {
        startConnect();
      }
    } finally {
      lock.unlock();
    }
    announce();
    return refused;
  }

  /** Opens the call's stream now if the current connection has a free slot and nobody is ahead; else queues it. */
  void open(JettyClientCall<?, ?> call) {
    ClientConnection conn = null;
    Status failure = null;
    boolean queued = false;
    lock.lock();
    try {
      if (!call.isClosed()) {
        retireIfClosing();
        if (closed) {
          failure = Status.UNAVAILABLE.withDescription("channel to " + authority + " was shut down");
        } else if (state == ConnectivityState.READY && waiting.isEmpty() && current.tryReserveSlot()) {
          conn = current;
        } else if (state == ConnectivityState.TRANSIENT_FAILURE && !call.waitForReady()) {
          failure = lastFailure;
        } else {
          waiting.add(call);
          queued = true;
          if (state == ConnectivityState.IDLE) {
            startConnect();
          }
        }
      }
    } finally {
      lock.unlock();
    }
    announce();
    if (conn != null) {
      call.openOn(conn);
    } else if (failure != null) {
      call.fail(failure);
    } else if (queued) {
      dispatch(); // a slot may have freed while the call was queued behind others
    }
  }

  /**
   * Opens waiting calls, in order, while the current connection has free slots, or connects if
   * calls wait and there is no connection. Called whenever that may have become possible.
   */
  void dispatch() {
    List<JettyClientCall<?, ?>> toOpen = null;
    ClientConnection conn = null;
    lock.lock();
    try {
      retireIfClosing();
      if (!closed && !waiting.isEmpty()) {
        if (state == ConnectivityState.IDLE) {
          startConnect();
        } else if (state == ConnectivityState.READY) {
          conn = current;
          while (!waiting.isEmpty()) {
            JettyClientCall<?, ?> next = waiting.peek();
            if (next.isClosed()) {
              waiting.poll();
            } else if (conn.tryReserveSlot()) {
              waiting.poll();
              if (toOpen == null) {
                toOpen = new ArrayList<>();
              }
              toOpen.add(next);
            } else {
              break;
            }
          }
        }
      }
    } finally {
      lock.unlock();
    }
    announce();
    if (toOpen != null) {
      for (JettyClientCall<?, ?> call : toOpen) {
        call.openOn(conn);
      }
    }
  }

  /**
   * Jetty refused the call's stream on {@code conn} before sending anything of it (the connection
   * is closing, or a SETTINGS frame lowered the limit just now): the call waits again, first in
   * line, and the slot it gives back wakes the queue.
   */
  void requeue(JettyClientCall<?, ?> call, ClientConnection conn) {
    lock.lock();
    try {
      waiting.addFirst(call);
    } finally {
      lock.unlock();
    }
    conn.releaseSlot();
  }

  /** The call ended: it no longer waits. */
  void forget(JettyClientCall<?, ?> call) {
    lock.lock();
    try {
      waiting.remove(call);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Under the lock: a current connection that takes no more streams (Jetty is closing it and has
   * not told us yet) stops being current, so calls go to a new one.
   */
  private void retireIfClosing() {
    if (state == ConnectivityState.READY && !current.takesStreams()) {
      current = null;
      setState(ConnectivityState.IDLE);
    }
  }

  // ---- connecting ----

  /** Under the lock. */
  private void startConnect() {
    setState(ConnectivityState.CONNECTING);
    ClientConnection conn = new ClientConnection(this, ssl != null, settings.maxHeaderListSize());
    connections.add(conn);
    client.getExecutor().execute(() -> dial(conn));
  }

  private void dial(ClientConnection conn) {
    SocketAddress address;
    try {
      address = destination.resolve(); // may block on DNS: off the caller's thread
    } catch (UnknownHostException e) {
      failConnecting(conn, e);
      return;
    }
    try {
      client.connect(Destination.transportFor(address), ssl, address, conn, new Promise<>() {
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
   * The socket (and TLS) connection is up and the preface sent. It is not ready yet: only the
   * server's SETTINGS frame shows it speaks HTTP/2 and has accepted the connection (a closing
   * server's listen backlog completes handshakes nobody will serve), so streams wait until then.
   */
  private void connected(ClientConnection conn, Session session) {
    long timeout = settings.connectTimeout().toMillis();
    Scheduler.Task noSettings = client.getScheduler().schedule(() -> failConnecting(conn,
        new TimeoutException("the server sent no HTTP/2 SETTINGS within " + timeout + " ms")),
        timeout, TimeUnit.MILLISECONDS);
    conn.attach(session, idleTimeout, noSettings);
    connectionUp(conn);
  }

  /**
   * Makes {@code conn} current once both its session is attached and the server's SETTINGS came;
   * each of the two events calls this.
   */
  void connectionUp(ClientConnection conn) {
    if (!conn.canBecomeReady() || !conn.settle()) {
      return;
    }
    boolean close;
    boolean lost = false;
    lock.lock();
    try {
      close = closed;
      if (!closed) {
        if (conn.isClosed()) {
          lost = true; // closed between its SETTINGS and now: a failed attempt after all
        } else {
          current = conn;
          setState(ConnectivityState.READY);
          backoffNanos = 0;
          lastFailure = null;
        }
      }
    } finally {
      lock.unlock();
    }
    announce();
    if (close) {
      conn.close("channel shut down");
      return;
    }
    if (lost) {
      connectFailed(conn, new IOException(conn.describeFailure("input_shutdown")));
      return;
    }
    JettyClientTransport.LOG.log(System.Logger.Level.DEBUG, () -> "connected to " + destination
        + (ssl != null ? " (TLS)" : " (h2c)") + " from " + conn.session().getLocalSocketAddress());
    conn.startKeepAlive(client.getScheduler(), keepAliveTime, settings.keepAliveTimeout());
    dispatch();
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
    String why = x instanceof IOException && x.getMessage() != null && !(x instanceof UnknownHostException)
        ? x.getMessage() : x.toString();
    // Calls that fail with it never left this client: a channel may send them elsewhere (Unprocessed).
    String description = "cannot connect to " + destination + ": " + why;
    Status status = Status.UNAVAILABLE.withDescription(description).withCause(new Unprocessed(description, x));
    if (tlsFailure(x)) {
      JettyClientTransport.LOG.log(System.Logger.Level.WARNING, "TLS handshake with " + destination + " failed: "
          + why, x);
    } else {
      JettyClientTransport.LOG.log(System.Logger.Level.DEBUG, status::description);
    }
    List<JettyClientCall<?, ?>> failFast = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        failFast.addAll(waiting);
        waiting.clear();
      } else {
        setState(ConnectivityState.TRANSIENT_FAILURE);
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
    announce();
    for (JettyClientCall<?, ?> c : failFast) {
      c.fail(status);
    }
  }

  private static boolean tlsFailure(Throwable x) {
    for (Throwable c = x; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Under the lock: grpc's connection backoff (1 s, ×1.6, ±20% jitter, at most 2 min by default).
   * The delay is reset only when a connection becomes ready, so it keeps growing while attempts
   * fail, whether they are started by waiting calls or by {@link #connect()} after IDLE.
   */
  private void scheduleRetry() {
    long initial = settings.initialBackoff().toNanos();
    long max = settings.maxBackoff().toNanos();
    backoffNanos = backoffNanos == 0 ? initial : Math.min(max, (long) (backoffNanos * 1.6));
    long jittered = (long) (backoffNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    retryTask = client.getScheduler().schedule(this::retry, Math.max(1, jittered), TimeUnit.NANOSECONDS);
    JettyClientTransport.LOG.log(System.Logger.Level.DEBUG, () -> "next connection attempt to " + destination + " in "
        + TimeUnit.NANOSECONDS.toMillis(jittered) + " ms");
  }

  private void retry() {
    lock.lock();
    try {
      retryTask = null;
      if (state == ConnectivityState.TRANSIENT_FAILURE && !closed) {
        if (waiting.isEmpty()) {
          setState(ConnectivityState.IDLE); // the next call, or connect(), tries again
        } else {
          startConnect();
        }
      }
    } finally {
      lock.unlock();
    }
    announce();
  }

  // ---- connection events ----

  /** GOAWAY on {@code conn}: it finishes its streams; new calls need a new connection. */
  /**
   * The server closed a connection for pinging too often: later connections ping half as often, as
   * grpc-java and grpc-go do, so a channel configured below the server's permitted rate settles.
   */
  void pingedTooOften() {
    Duration now = keepAliveTime;
    if (now != null) {
      Duration doubled = now.multipliedBy(2);
      keepAliveTime = doubled;
      JettyClientTransport.LOG.log(System.Logger.Level.WARNING, () -> "the server at " + authority
          + " closed the connection for pinging too often (too_many_pings): keepalive time raised to "
          + doubled.toMillis() + " ms");
    }
  }

  void onGoAway(ClientConnection conn) {
    leave(conn);
  }

  void onConnectionClosed(ClientConnection conn) {
    if (conn.settle()) { // closed before it became ready
      connectFailed(conn, new IOException(conn.describeFailure("input_shutdown")));
      return;
    }
    connections.remove(conn);
    leave(conn);
  }

  /** {@code conn} takes no more streams: if current, the state goes back to IDLE (and connects if calls wait). */
  private void leave(ClientConnection conn) {
    lock.lock();
    try {
      if (current == conn) {
        current = null;
        setState(ConnectivityState.IDLE);
      }
    } finally {
      lock.unlock();
    }
    announce();
    dispatch();
  }

  // ---- termination ----

  /** Closes every connection and opens no more; calls still waiting fail. Idempotent. */
  void close() {
    List<JettyClientCall<?, ?>> stranded;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (retryTask != null) {
        retryTask.cancel();
        retryTask = null;
      }
      current = null;
      setState(ConnectivityState.IDLE);
      stranded = List.copyOf(waiting);
      waiting.clear();
    } finally {
      lock.unlock();
    }
    for (ClientConnection c : List.copyOf(connections)) {
      c.close("channel shut down");
    }
    connections.clear();
    Status status = Status.UNAVAILABLE.withDescription("channel to " + authority + " was shut down");
    for (JettyClientCall<?, ?> c : stranded) {
      c.fail(status);
    }
  }

  @Override
  public String toString() {
    return "ConnectionPool{" + destination + ", " + state() + "}";
  }
}
