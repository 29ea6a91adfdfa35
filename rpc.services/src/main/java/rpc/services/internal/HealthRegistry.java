package rpc.services.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import rpc.services.health.v1.HealthCheckResponse.ServingStatus;

/**
 * The serving status of each service name, and a way to wait until one changes.
 *
 * <p>Thread-safe. One lock guards the map; it is never held while a message is sent, because a
 * send may block on flow control for as long as the client does not read.
 */
public final class HealthRegistry {
  // Watchers also wake this often to notice a cancellation that did not interrupt them.
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, ServingStatus> statuses = new HashMap<>();
  private boolean shutdown;

  /** A registry where the server as a whole ({@code ""}) is {@code SERVING}. */
  public HealthRegistry() {
    statuses.put("", ServingStatus.SERVING);
  }

  /** The status of {@code service}, or null if it has none. */
  public ServingStatus get(String service) {
    lock.lock();
    try {
      return statuses.get(service);
    } finally {
      lock.unlock();
    }
  }

  /** Sets the status of {@code service}; ignored once shutdown has begun. */
  public void set(String service, ServingStatus status) {
    lock.lock();
    try {
      if (!shutdown && statuses.put(service, status) != status) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Forgets {@code service}; ignored once shutdown has begun. */
  public void clear(String service) {
    lock.lock();
    try {
      if (!shutdown && statuses.remove(service) != null) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Marks every service {@code NOT_SERVING} and freezes the statuses. Idempotent. */
  public void enterShutdown() {
    lock.lock();
    try {
      if (shutdown) {
        return;
      }
      shutdown = true;
      statuses.replaceAll((service, status) -> ServingStatus.NOT_SERVING);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #enterShutdown()} has been called. */
  public boolean isShutdown() {
    lock.lock();
    try {
      return shutdown;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the status of {@code service} differs from {@code last} and returns it
   * ({@code SERVICE_UNKNOWN} for a service without status). Returns at once when it already
   * differs, so {@code last == null} yields the current status.
   *
   * @return the new status, or null if {@code cancelled} turned true first
   * @throws InterruptedException if the thread is interrupted (the call was cancelled)
   */
  public ServingStatus awaitChange(String service, ServingStatus last, BooleanSupplier cancelled)
      throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (true) {
        ServingStatus now = statuses.getOrDefault(service, ServingStatus.SERVICE_UNKNOWN);
        if (now != last) {
          return now;
        }
        if (cancelled.getAsBoolean()) {
          return null;
        }
        changed.awaitNanos(RECHECK_NANOS);
      }
    } finally {
      lock.unlock();
    }
  }
}
