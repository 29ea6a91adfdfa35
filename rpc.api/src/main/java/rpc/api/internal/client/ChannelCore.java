package rpc.api.internal.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import rpc.api.CallOptions;
import rpc.api.ClientInterceptor;
import rpc.api.ClientStream;
import rpc.api.ConnectivityState;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.internal.HandlerCall;
import rpc.api.internal.Transports;
import rpc.api.internal.balancer.Balancers;
import rpc.api.internal.balancer.LoadBalancedTransport;
import rpc.api.internal.balancer.Resolvers;
import rpc.api.internal.config.ServiceConfig;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.LoadBalancerProvider;
import rpc.api.spi.NameResolver;
import rpc.api.spi.NameResolverProvider;
import rpc.api.spi.Target;
import rpc.api.spi.TransportProvider;

/**
 * The machinery behind {@link rpc.api.Channel}: the interceptor chain over the transport, and the
 * three ways to make a call (blocking unary, asynchronous unary, stream). Thread-safe.
 */
public final class ChannelCore {
  private final Target target;
  private final String transportName;
  private final ClientTransport transport;
  private final List<ClientInterceptor> chain;
  private final Executor completions;
  private volatile boolean shutdown;

  private final ChannelConfig config;
  private final RetriableCall.Budget retryBudget = new RetriableCall.Budget();
  private final Retrying retrying = new Retrying();

  /** The channel's started retriable calls: shutdownNow ends them, awaitTermination waits for them. */
  private static final class Retrying implements RetriableCall.Tracker {
    private final java.util.Set<RetriableCall<?, ?>> calls = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.Condition none = lock.newCondition();

    @Override
    public void started(RetriableCall<?, ?> call) {
      calls.add(call);
    }

    @Override
    public void ended(RetriableCall<?, ?> call) {
      if (calls.remove(call) && calls.isEmpty()) {
        lock.lock();
        try {
          none.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }

    void cancelAll(Status status) {
      for (RetriableCall<?, ?> c : List.copyOf(calls)) {
        c.cancel(status);
      }
    }

    boolean awaitNone(long nanos) throws InterruptedException {
      lock.lock();
      try {
        while (!calls.isEmpty()) {
          if (nanos <= 0) {
            return false;
          }
          nanos = none.awaitNanos(nanos);
        }
        return true;
      } finally {
        lock.unlock();
      }
    }
  }

  private ChannelCore(Target target, String transportName, ClientTransport transport,
      List<ClientInterceptor> interceptors, boolean inheritHandler, Executor completions, ChannelConfig config,
      boolean configMayChange) {
    this.target = target;
    this.transportName = transportName;
    this.transport = transport;
    this.completions = completions;
    this.config = config;
    List<ClientInterceptor> all = new ArrayList<>(interceptors);
    // The library's own per-call features, innermost: the options' headers, tracing (outside the
    // deadline, so tracers see the status the application sees), the service config's settings of
    // the method, what a call made by a server handler inherits from the handler's call, the deadline.
    all.add(OptionHeadersInterceptor.INSTANCE);
    all.add(TracingInterceptor.INSTANCE);
    if (configMayChange || !config.current().methods().isEmpty()) {
      all.add(new ServiceConfigInterceptor(config::current));
    }
    if (inheritHandler) {
      all.add(HandlerContextInterceptor.INSTANCE);
    }
    all.add(DeadlineInterceptor.INSTANCE);
    this.chain = List.copyOf(all);
    transport.watchState(this::stateMayHaveChanged);
  }

  /**
   * Selects the transport and creates the channel machinery; {@code inheritHandler}: calls made on a
   * server handler's thread inherit its deadline and cancellation; {@code completions} runs the
   * completion of asynchronous calls (null: a new virtual thread each); {@code resolvers} are name
   * resolvers given to this channel; {@code policy} names the load-balancing policy used when the
   * service config names none (null: pick_first); {@code serviceConfigJson} is the service config
   * as a JSON object model (null: none). A target a name resolver knows, carried by a network transport, gets a resolver and
   * a balancer in front of one transport per address; any other target (in-process) goes to its
   * transport directly.
   */
  public static ChannelCore create(ClientTransportConfig config, String transportName,
      List<ClientInterceptor> interceptors, boolean inheritHandler, Executor completions,
      List<NameResolverProvider> resolvers, String policy, java.util.Map<String, ?> serviceConfigJson) {
    ServiceConfig serviceConfig = serviceConfigJson == null ? ServiceConfig.EMPTY
        : ServiceConfig.parse(serviceConfigJson, Balancers.names());
    ChannelConfig channelConfig = new ChannelConfig(serviceConfig, policy == null ? Balancers.DEFAULT : policy,
        config.target().text());
    LoadBalancerProvider balancer = Balancers.find(channelConfig.policy());
    Target target = config.target();
    NameResolverProvider resolver = Resolvers.find(target.scheme(), resolvers);
    TransportProvider provider = resolver == null ? null : Transports.selectForAddresses(target, transportName);
    ClientTransportConfig effective = config;
    if (provider == null) {
      Transports.Selection selected = Transports.select(target, transportName);
      provider = selected.provider();
      if (selected.target() != target) { // "name:port" read as an address
        effective = new ClientTransportConfig(selected.target(), config.maxInboundMessageSize(), config.sslContext(),
            config.userAgent(), config.idleTimeout(), config.keepAliveTime(), config.options());
        resolver = Transports.acceptsAddresses(provider) ? Resolvers.find(selected.target().scheme(), resolvers) : null;
      } else {
        resolver = null;
      }
    }
    Transports.checkOptionKeys(provider, "channel", provider.clientOptionKeys(), effective.options());
    ClientTransport transport;
    if (resolver != null) {
      Target t = effective.target();
      boolean tls = t.scheme().equals("https") || effective.sslContext() != null;
      NameResolver nameResolver = resolver.newNameResolver(t, tls ? 443 : 80); // checks the target now
      provider.checkClientConfig(effective);
      transport = new LoadBalancedTransport(effective, nameResolver, balancer, provider,
          serviceConfig.healthCheckService(), channelConfig::fromResolver);
    } else {
      transport = provider.newClientTransport(effective);
    }
    return new ChannelCore(effective.target(), provider.name(), transport, interceptors, inheritHandler,
        completions == null ? rpc.api.internal.VirtualThreads.EXECUTOR : completions, channelConfig,
        transport instanceof LoadBalancedTransport);
  }

  public Target target() {
    return target;
  }

  public String transportName() {
    return transportName;
  }

  /** The bottom of the interceptor chain: the transport's call. */
  private <Req, Resp> ClientCall<Req, Resp> transportCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    if (shutdown) {
      return new FailedCall<>(method, Status.UNAVAILABLE.withDescription("channel to " + target.text() + " is closed"));
    }
    ServiceConfig sc = config.current();
    if (!sc.methods().isEmpty()) {
      ServiceConfig.MethodConfig mc = sc.forMethod(method.fullName());
      if (mc != null && (mc.retry() != null || mc.hedging() != null)) {
        return new RetriableCall<>(method, options, mc, config.throttle(), retryBudget, transport::newCall, retrying);
      }
    }
    return transport.newCall(method, options);
  }

  /** A new call through the interceptors; a timeout in {@code options} starts now. */
  public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    return InterceptedCall.create(method, target.text(), options.startingNow(), chain, this::transportCall);
  }

  public <Req, Resp> ClientStream<Req, Resp> newStream(MethodDescriptor<Req, Resp> method, CallOptions options) {
    BlockingClientStream<Req, Resp> stream = new BlockingClientStream<>(newCall(method, options));
    stream.start();
    return stream;
  }

  public <Req, Resp> CompletableFuture<Resp> asyncUnary(MethodDescriptor<Req, Resp> method, Req request,
      CallOptions options) {
    Objects.requireNonNull(request, "request");
    UnaryFuture<Req, Resp> call = new UnaryFuture<>(newCall(method, options), completions);
    call.start(request);
    return call;
  }

  public <Req, Resp> Resp blockingUnary(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    Objects.requireNonNull(request, "request");
    UnaryFuture<Req, Resp> call = new UnaryFuture<>(newCall(method, options), null);
    call.start(request);
    try {
      return call.get();
    } catch (InterruptedException e) {
      Status status = HandlerCall.interrupted("interrupted while waiting for " + method.fullName(), e);
      call.cancelCall(status);
      Thread.currentThread().interrupt();
      throw status.asException();
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** A new exception carrying the same status and trailers, with the caller's stack. */
  static StatusException rethrow(Throwable cause) {
    if (cause instanceof StatusException se) {
      return new StatusException(se.status(), se.trailers());
    }
    return Status.fromThrowable(cause).asException();
  }

  public void shutdown() {
    shutdown = true;
    transport.shutdown();
    stateMayHaveChanged();
  }

  public void shutdownNow() {
    shutdown = true;
    transport.shutdownNow();
    // Calls waiting between attempts have no transport call to be cancelled through.
    retrying.cancelAll(Status.UNAVAILABLE.withDescription("channel to " + target.text() + " was shut down"));
    stateMayHaveChanged();
  }

  // ---- connectivity state ----

  /** The channel's state; with {@code connect}, an IDLE channel starts connecting. */
  public ConnectivityState state(boolean connect) {
    if (shutdown) {
      return ConnectivityState.SHUTDOWN;
    }
    ConnectivityState s = transport.state();
    if (connect && s == ConnectivityState.IDLE) {
      transport.connect();
    }
    return s;
  }

  /** Runs {@code callback} on a new virtual thread once the state is no longer {@code source}. */
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(callback, "callback");
    stateWatchers.add(new StateWatcher(source, callback));
    stateMayHaveChanged(); // it may have changed already
  }

  private record StateWatcher(ConnectivityState source, Runnable callback) {}

  private final java.util.concurrent.CopyOnWriteArrayList<StateWatcher> stateWatchers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private void stateMayHaveChanged() {
    if (stateWatchers.isEmpty()) {
      return;
    }
    ConnectivityState now = state(false);
    for (StateWatcher w : stateWatchers) {
      if (w.source() != now && stateWatchers.remove(w)) {
        rpc.api.internal.VirtualThreads.start(w.callback());
      }
    }
  }

  public boolean isShutdown() {
    return shutdown;
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    return transport.awaitTermination(timeout, unit) && retrying.awaitNone(deadline - System.nanoTime());
  }
}
