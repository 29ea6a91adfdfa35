package rpc.transport.jetty.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One accepted connection of the server, with the policy that ends it (see
 * {@link TransportSettings.ConnectionPolicy}): it closes a client that PINGs too often (gRFC A8).
 *
 * <p>Thread-safe: events come from the connection's frame parser, from the threads that end calls,
 * and from the server's scheduler.
 */
final class ServerConnection {
  private final Session session;
  private final String peer;
  private final TransportSettings.ConnectionPolicy policy;
  private final Scheduler scheduler;
  private final PingStrikes pings;
  private final Set<JettyServerCall<?, ?>> calls = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean pingAbuse = new AtomicBoolean();

  ServerConnection(Session session, String peer, TransportSettings.ConnectionPolicy policy, Scheduler scheduler) {
    this.session = session;
    this.peer = peer;
    this.policy = policy;
    this.scheduler = scheduler;
    this.pings = new PingStrikes(policy.permitKeepAliveTime(), policy.permitKeepAliveWithoutCalls(), System.nanoTime());
  }

  /** The client's address, as logs show it. */
  String peer() {
    return peer;
  }

  // ---- calls ----

  void callStarted(JettyServerCall<?, ?> call) {
    calls.add(call);
  }

  void callEnded(JettyServerCall<?, ?> call) {
    calls.remove(call);
  }

  // ---- frames ----

  /** A PING (not an answer) arrived; on the connection's parser thread. */
  void onPing() {
    if (!pings.tooMany(System.nanoTime(), !calls.isEmpty()) || !pingAbuse.compareAndSet(false, true)) {
      return;
    }
    JettyServerTransport.LOG.log(System.Logger.Level.INFO, () -> "connection from " + peer + " sent more than "
        + PingStrikes.MAX_STRIKES + " PINGs sooner than permitted (" + policy.permitKeepAliveTime().toMillis()
        + " ms apart with calls open, " + (policy.permitKeepAliveWithoutCalls() ? "the same" : "2 h") + " without):"
        + " closed with GOAWAY ENHANCE_YOUR_CALM too_many_pings");
    // Not from the parser's frame listener, where Jetty forbids acting on the session.
    schedule(() -> JettyGaps.abort(session, ErrorCode.ENHANCE_YOUR_CALM_ERROR, "too_many_pings"), 0);
  }

  /** The server sends response headers or data: the client may answer them with a PING. */
  void onResponseFrame() {
    pings.forgive();
  }

  private void schedule(Runnable task, long delayNanos) {
    try {
      scheduler.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          JettyServerTransport.LOG.log(System.Logger.Level.WARNING, "connection from " + peer + ": " + e, e);
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the server is stopping, and closes every connection itself
    }
  }

  @Override
  public String toString() {
    return "ServerConnection{" + peer + ", " + calls.size() + " calls}";
  }
}
