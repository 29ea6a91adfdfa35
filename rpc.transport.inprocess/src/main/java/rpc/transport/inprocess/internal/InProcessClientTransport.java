package rpc.transport.inprocess.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.CallOptions;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;

/** The client side for one {@code inprocess:NAME} target. Thread-safe. */
public final class InProcessClientTransport implements ClientTransport {
  private final String name;
  private final int maxInboundMessageSize;
  private final Set<InProcessCall<?, ?>> calls = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private boolean shutdown;

  /**
   * The client side for {@code config}'s target.
   *
   * @throws IllegalArgumentException if the config asks for TLS, which in-process calls never use
   */
  public InProcessClientTransport(ClientTransportConfig config) {
    if (config.sslContext() != null) {
      throw new IllegalArgumentException("channel to " + config.target().text() + ": an in-process channel does not"
          + " use TLS; remove the sslContext, or use a network target");
    }
    this.name = config.target().authority();
    this.maxInboundMessageSize = config.maxInboundMessageSize();
  }

  String name() {
    return name;
  }

  int maxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  @Override
  public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    return new InProcessCall<>(this, method, options).client();
  }

  /** A call starts: true if it may proceed, false once the channel is shut down. */
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
      terminated.countDown();
    }
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
    } finally {
      lock.unlock();
    }
    maybeTerminate();
  }

  @Override
  public void shutdownNow() {
    shutdown();
    for (InProcessCall<?, ?> c : calls) {
      c.shutdownCancel(Status.UNAVAILABLE.withDescription("channel shut down"));
    }
    maybeTerminate();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }
}
