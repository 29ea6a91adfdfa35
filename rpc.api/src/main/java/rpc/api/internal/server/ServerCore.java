package rpc.api.internal.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.CallTracer;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.ServerCallHandler;
import rpc.api.ServerInterceptor;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.internal.Tracers;
import rpc.api.internal.Transports;
import rpc.api.internal.VirtualThreads;
import rpc.api.spi.ServerCall;
import rpc.api.spi.ServerCallAcceptor;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;

/** The machinery behind {@link rpc.api.Server}: accepts calls and runs each handler on its own thread. */
public final class ServerCore implements ServerCallAcceptor {
  private static final System.Logger LOG = System.getLogger("rpc.api.Server");

  private final ServerTransport transport;
  private final List<ServiceDefinition> services;
  private final Map<String, ServiceDefinition.Method<?, ?>> methods = new HashMap<>();
  private final List<ServerInterceptor> interceptors;
  private final List<CallTracer.Factory> tracerFactories;
  private final Executor launcher;
  private final Set<BlockingServerStream<?, ?>> active = ConcurrentHashMap.newKeySet();
  private final AtomicInteger activeCount = new AtomicInteger();
  private final ReentrantLock stateLock = new ReentrantLock();
  private final CountDownLatch handlersDone = new CountDownLatch(1);
  private final List<Runnable> shutdownActions = new ArrayList<>();
  private volatile boolean started;
  private volatile boolean shutdown;

  public ServerCore(ServerTransportConfig config, String transportName, List<ServiceDefinition> services,
      List<ServerInterceptor> interceptors, List<CallTracer.Factory> tracerFactories, Executor executor) {
    Transports.Selection selected = Transports.select(config.address(), transportName);
    Transports.checkOptionKeys(selected.provider(), "server", selected.provider().serverOptionKeys(),
        config.options());
    ServerTransportConfig resolved = selected.target() == config.address() ? config
        : new ServerTransportConfig(selected.target(), config.maxInboundMessageSize(), config.sslContext(),
            config.requireClientAuth(), config.maxConcurrentStreams(), config.idleTimeout(), config.options(),
            config.cors());
    this.services = services;
    for (ServiceDefinition s : services) {
      for (ServiceDefinition.Method<?, ?> m : s.methods()) {
        methods.put(m.descriptor().fullName(), m);
      }
    }
    this.interceptors = interceptors;
    this.tracerFactories = tracerFactories;
    this.launcher = executor == null ? VirtualThreads.EXECUTOR : executor;
    this.transport = selected.provider().newServerTransport(resolved);
  }

  public void start() throws IOException {
    stateLock.lock();
    try {
      if (started || shutdown) {
        throw new IllegalStateException(shutdown ? "server is shut down" : "server already started");
      }
      transport.start(this);
      started = true;
    } finally {
      stateLock.unlock();
    }
  }

  public String address() {
    return transport.localAddress();
  }

  public int port() {
    return transport.port();
  }

  public List<ServiceDefinition> services() {
    return services;
  }

  @Override
  public MethodDescriptor<?, ?> lookup(String fullMethodName) {
    ServiceDefinition.Method<?, ?> m = methods.get(fullMethodName);
    return m == null ? null : m.descriptor();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <Req, Resp> ServerCall.Listener<Req> accept(ServerCall<Req, Resp> call, Metadata headers) {
    ServiceDefinition.Method<Req, Resp> m =
        (ServiceDefinition.Method<Req, Resp>) methods.get(call.method().fullName());
    if (m == null) {
      call.close(Status.UNIMPLEMENTED.withDescription("unknown method " + call.method().fullName()), new Metadata());
      return NoopListener.instance();
    }
    CallTracer tracer = newTracer(call.method(), headers);
    Status refused = shutdown ? Status.UNAVAILABLE.withDescription("server is shutting down")
        : call.deadline() != null && call.deadline().isExpired()
            ? Status.DEADLINE_EXCEEDED.withDescription("deadline expired before the call reached its handler")
            : null;
    if (refused != null) {
      call.close(refused, new Metadata());
      if (tracer != null) {
        tracer.callEnded(refused, new Metadata());
      }
      return NoopListener.instance();
    }
    if (tracer != null) {
      call.trace(tracer);
    }
    BlockingServerStream<Req, Resp> stream =
        new BlockingServerStream<>(this, call, headers, withInterceptors(m.handler()), launcher, tracer);
    activeCount.incrementAndGet();
    active.add(stream);
    stream.begin();
    return stream;
  }

  /** The call's tracers as one, or null when none was asked for. */
  private CallTracer newTracer(MethodDescriptor<?, ?> method, Metadata headers) {
    if (tracerFactories.isEmpty()) {
      return null;
    }
    List<CallTracer> made = new ArrayList<>(tracerFactories.size());
    for (CallTracer.Factory f : tracerFactories) {
      try {
        CallTracer t = f.newTracer(method, headers);
        if (t != null) {
          made.add(t);
        }
      } catch (Throwable e) {
        Tracers.reportFailure(f, "newTracer", e);
      }
    }
    return Tracers.of(made);
  }

  private <Req, Resp> ServerCallHandler<Req, Resp> withInterceptors(ServerCallHandler<Req, Resp> handler) {
    ServerCallHandler<Req, Resp> h = handler;
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      ServerInterceptor interceptor = interceptors.get(i);
      ServerCallHandler<Req, Resp> next = h;
      h = stream -> interceptor.intercept(stream, next);
    }
    return h;
  }

  void callEnded(BlockingServerStream<?, ?> stream) {
    if (active.remove(stream)) {
      activeCount.decrementAndGet();
    }
    if (shutdown) {
      maybeTerminate();
    }
  }

  void reportHandlerFailure(String call, Throwable t) {
    LOG.log(System.Logger.Level.WARNING, "handler of " + call + " failed", t);
  }

  public void onShutdown(Runnable action) {
    boolean runNow;
    stateLock.lock();
    try {
      runNow = shutdown;
      if (!runNow) {
        shutdownActions.add(action);
      }
    } finally {
      stateLock.unlock();
    }
    if (runNow) {
      action.run();
    }
  }

  private boolean beginShutdown() {
    List<Runnable> actions;
    stateLock.lock();
    try {
      if (shutdown) {
        return false;
      }
      shutdown = true;
      actions = new ArrayList<>(shutdownActions);
      shutdownActions.clear();
    } finally {
      stateLock.unlock();
    }
    for (Runnable r : actions) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "shutdown action failed", e);
      }
    }
    return true;
  }

  public void shutdown() {
    if (beginShutdown() && started) {
      transport.shutdown();
    }
    maybeTerminate();
  }

  public void shutdownNow() {
    beginShutdown();
    if (started) {
      transport.shutdownNow();
    }
    for (BlockingServerStream<?, ?> s : active) {
      s.cancelled(Status.UNAVAILABLE.withDescription("server shutting down"), true);
    }
    maybeTerminate();
  }

  private void maybeTerminate() {
    if (activeCount.get() == 0) {
      handlersDone.countDown();
    }
  }

  public boolean isShutdown() {
    return shutdown;
  }

  public boolean isTerminated() {
    try {
      return handlersDone.getCount() == 0 && (!started || transport.awaitTermination(0, TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (!handlersDone.await(timeout, unit)) {
      return false;
    }
    return !started || transport.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** A listener that ignores everything, for calls ended at once. */
  static final class NoopListener implements ServerCall.Listener<Object> {
    private static final NoopListener INSTANCE = new NoopListener();

    @SuppressWarnings("unchecked")
    static <T> ServerCall.Listener<T> instance() {
      return (ServerCall.Listener<T>) INSTANCE;
    }

    @Override
    public void onMessage(Object message) {}

    @Override
    public void onHalfClose() {}

    @Override
    public void onCancel(Status status) {}
  }
}
