package rpc.transport.inprocess.internal;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.Status;
import rpc.api.spi.ServerCallAcceptor;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;

/** An in-process server registered under a name. Thread-safe. */
public final class InProcessServerTransport implements ServerTransport {
  private final String name;
  private final int maxInboundMessageSize;
  private final Set<InProcessCall<?, ?>> calls = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile ServerCallAcceptor acceptor;
  private boolean shutdown;

  /**
   * An in-process server for {@code config}'s address.
   *
   * @throws IllegalArgumentException if the config asks for TLS, which in-process calls never use
   */
  public InProcessServerTransport(ServerTransportConfig config) {
    if (config.sslContext() != null) {
      throw new IllegalArgumentException("server at " + config.address().text() + ": an in-process server does not"
          + " use TLS; remove the sslContext, or listen on a network address");
    }
    this.name = config.address().authority();
    this.maxInboundMessageSize = config.maxInboundMessageSize();
  }

  @Override
  public void start(ServerCallAcceptor acceptor) throws IOException {
    this.acceptor = acceptor;
    if (!Registry.register(name, this)) {
      throw new IOException("an in-process server named '" + name + "' is already running");
    }
  }

  ServerCallAcceptor acceptor() {
    return acceptor;
  }

  int maxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  /** Adds a call unless shutdown has begun. */
  boolean register(InProcessCall<?, ?> call) {
    lock.lock();
    try {
      if (shutdown) {
        return false;
      }
      calls.add(call);
      return true;
    } finally {
      lock.unlock();
    }
  }

  void callEnded(InProcessCall<?, ?> call) {
    calls.remove(call);
    maybeTerminate();
  }

  private void maybeTerminate() {
    boolean done;
    lock.lock();
    try {
      done = shutdown && calls.isEmpty();
    } finally {
      lock.unlock();
    }
    if (done) {
      Registry.unregister(name, this);
      terminated.countDown();
    }
  }

  @Override
  public String localAddress() {
    return "inprocess:" + name;
  }

  @Override
  public int port() {
    return -1;
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
    } finally {
      lock.unlock();
    }
    Registry.unregister(name, this);
    maybeTerminate();
  }

  @Override
  public void shutdownNow() {
    shutdown();
    for (InProcessCall<?, ?> c : calls) {
      c.shutdownCancel(Status.UNAVAILABLE.withDescription("in-process server '" + name + "' shut down"));
    }
    calls.clear();
    maybeTerminate();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }
}
