package rpc.api.internal.balancer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.Status;
import rpc.api.internal.Scheduler;
import rpc.api.internal.VirtualThreads;
import rpc.api.spi.NameResolver;

/**
 * Resolves {@code host:port} with the JDK's resolver ({@link InetAddress#getAllByName}, so a
 * {@link java.net.spi.InetAddressResolverProvider} and the JDK's address cache apply), to every
 * address the name has. Resolutions run on a virtual thread; a refresh comes at most once per
 * {@link #minInterval()} (30 s by default, system property
 * {@code rpc.dns.minResolutionIntervalMillis}); a failure is retried with backoff (1 s, ×1.6, at
 * most 2 min). Thread-safe.
 */
final class DnsResolver implements NameResolver {
  static final String MIN_INTERVAL_PROPERTY = "rpc.dns.minResolutionIntervalMillis";

  private final String host;
  private final int port;
  private final long minIntervalNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private Listener listener;
  private boolean resolving;
  private boolean again;
  private boolean shutdown;
  private long lastStartNanos;
  private final Backoff backoff = new Backoff();
  private ScheduledFuture<?> scheduled;

  DnsResolver(String host, int port) {
    this.host = host;
    this.port = port;
    this.minIntervalNanos = minInterval().toNanos();
  }

  static Duration minInterval() {
    String v = System.getProperty(MIN_INTERVAL_PROPERTY);
    if (v != null) {
      try {
        return Duration.ofMillis(Math.max(0, Long.parseLong(v.strip())));
      } catch (NumberFormatException e) {
        System.getLogger("rpc.api.resolver").log(System.Logger.Level.WARNING,
            "ignoring " + MIN_INTERVAL_PROPERTY + "=" + v + ": not a number of milliseconds");
      }
    }
    return Duration.ofSeconds(30);
  }

  @Override
  public void start(Listener listener) {
    lock.lock();
    try {
      this.listener = listener;
    } finally {
      lock.unlock();
    }
    resolveNow();
  }

  @Override
  public void refresh() {
    lock.lock();
    try {
      if (shutdown || listener == null || scheduled != null) {
        return;
      }
      if (resolving) {
        again = true;
        return;
      }
      long wait = lastStartNanos + minIntervalNanos - System.nanoTime();
      if (wait > 0) {
        scheduled = Scheduler.schedule(this::scheduledResolve, wait);
        return;
      }
    } finally {
      lock.unlock();
    }
    resolveNow();
  }

  private void scheduledResolve() {
    lock.lock();
    try {
      scheduled = null;
    } finally {
      lock.unlock();
    }
    resolveNow();
  }

  /** Starts a resolution on a virtual thread unless one is running or the resolver is shut down. */
  private void resolveNow() {
    lock.lock();
    try {
      if (shutdown || resolving) {
        return;
      }
      resolving = true;
      lastStartNanos = System.nanoTime();
    } finally {
      lock.unlock();
    }
    VirtualThreads.start(this::resolve);
  }

  private void resolve() {
    List<SocketAddress> addresses = null;
    Status error = null;
    try {
      InetAddress[] found = InetAddress.getAllByName(host);
      addresses = new ArrayList<>(found.length);
      for (InetAddress a : found) {
        addresses.add(new InetSocketAddress(a, port));
      }
      if (addresses.isEmpty()) {
        error = Status.UNAVAILABLE.withDescription("name '" + host + "' resolved to no address");
      }
    } catch (UnknownHostException | SecurityException e) {
      error = Status.UNAVAILABLE.withDescription("cannot resolve '" + host + "': " + e).withCause(e);
    } catch (RuntimeException e) {
      error = Status.UNAVAILABLE.withDescription("resolving '" + host + "' failed: " + e).withCause(e);
    }
    Listener l;
    boolean runAgain;
    lock.lock();
    try {
      resolving = false;
      l = shutdown ? null : listener;
      runAgain = again && error == null;
      again = false;
      if (l != null && error != null) {
        long delay = backoff.nextDelayNanos();
        if (scheduled == null) {
          scheduled = Scheduler.schedule(this::scheduledResolve, delay);
        }
      } else if (error == null) {
        backoff.reset();
      }
    } finally {
      lock.unlock();
    }
    if (l != null) {
      if (error != null) {
        l.onError(error);
      } else {
        l.onAddresses(List.copyOf(addresses));
      }
    }
    if (runAgain) {
      refresh();
    }
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      if (scheduled != null) {
        scheduled.cancel(false);
        scheduled = null;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "DnsResolver{" + host + ":" + port + "}";
  }
}
