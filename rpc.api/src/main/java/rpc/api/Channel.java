package rpc.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import rpc.api.internal.client.ChannelCore;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.NameResolverProvider;
import rpc.api.spi.Target;

/**
 * A virtual connection to one target, on which any number of calls run at once.
 * Thread-safe: share one channel among all threads and all clients that talk to the same
 * target; calls made on it run in parallel, multiplexed over one connection per server address.
 *
 * <p>Open it with {@link #open(String)} or {@link #newBuilder(String)}. Targets:
 * {@code inprocess:NAME} (module {@code rpc.transport.inprocess}); {@code host:port},
 * {@code dns:///host:port}, {@code http://host:port}, {@code https://host:port} (a network
 * transport, such as {@code rpc.transport.jetty}); {@code ipv4:a:p,b:p} and {@code ipv6:[a]:p,...}
 * address lists; {@code unix:///path}; {@code SCHEME:///name} for a name resolver of that scheme
 * ({@link Builder#nameResolver}). The transport is found with {@link java.util.ServiceLoader}. A
 * network target may resolve to several servers: the channel keeps a connection per server it uses
 * and spreads calls by its load-balancing policy ({@link Builder#defaultLoadBalancingPolicy},
 * {@link Builder#defaultServiceConfig}); {@link #state(boolean)} reports its connectivity. A network target without a port uses gRPC's default: 443 with
 * TLS ({@code https://}, or a channel given an {@code sslContext}), 80 without. (A server, by
 * contrast, must be told its port: {@code host:0} for any free one.)
 *
 * <p>{@link #close()} is graceful: calls in flight finish, new calls fail {@code UNAVAILABLE}.
 *
 * <p>Threads: no application code runs on a transport thread. The future of an asynchronous call
 * ({@link #callAsync}, and the generated {@code ...Async} methods) completes on the channel's
 * executor — a new virtual thread per completion unless {@link Builder#executor} gives another — so
 * the stages that depend on it may block without stalling other calls. Blocking calls and streams
 * return on the caller's own thread. Interceptors' listener callbacks and codecs do run on transport
 * threads, and must not block.
 */
public final class Channel implements AutoCloseable {

  private final ChannelCore core;
  private final CallOptions defaults;

  private Channel(ChannelCore core, CallOptions defaults) {
    this.core = core;
    this.defaults = defaults;
  }

  /**
   * Opens a channel to {@code target} with default settings.
   *
   * @param target the target, such as {@code inprocess:NAME} or {@code host:port}
   * @return the open channel
   * @throws IllegalArgumentException if the target is malformed or no transport serves it (the
   *     message names the target, the transports found and the module to add)
   */
  public static Channel open(String target) {
    return newBuilder(target).build();
  }

  /**
   * A builder for a channel to {@code target}.
   *
   * @param target the target, as for {@link #open(String)}
   * @return a new builder
   */
  public static Builder newBuilder(String target) {
    return new Builder(target);
  }

  /**
   * Makes a unary call and blocks for its response.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param method a unary method
   * @param request the request message
   * @return the response message
   * @throws StatusException if the call ends with any status other than OK
   */
  public <Req, Resp> Resp call(MethodDescriptor<Req, Resp> method, Req request) {
    return call(method, request, defaults);
  }

  /**
   * Makes a unary call with the given options and blocks for its response.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param method a unary method
   * @param request the request message
   * @param options the options of this call
   * @return the response message
   * @throws StatusException if the call ends with any status other than OK
   */
  public <Req, Resp> Resp call(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    return core.blockingUnary(checkKind(method, MethodDescriptor.Kind.UNARY), request, options);
  }

  /**
   * Starts a unary call; the future completes with the response, or exceptionally with a
   * {@link StatusException}, on the channel's executor (see {@link Builder#executor}). Cancelling
   * the future cancels the call.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param method a unary method
   * @param request the request message
   * @return the future response
   */
  public <Req, Resp> CompletableFuture<Resp> callAsync(MethodDescriptor<Req, Resp> method, Req request) {
    return callAsync(method, request, defaults);
  }

  /**
   * Starts a unary call with the given options.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param method a unary method
   * @param request the request message
   * @param options the options of this call
   * @return the future response, completed as for {@link #callAsync(MethodDescriptor, Object)}
   */
  public <Req, Resp> CompletableFuture<Resp> callAsync(MethodDescriptor<Req, Resp> method, Req request,
      CallOptions options) {
    return core.asyncUnary(checkKind(method, MethodDescriptor.Kind.UNARY), request, options);
  }

  /**
   * Starts a call of any kind and returns its stream (for unary methods too).
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param method the method to call
   * @return the stream of the new call
   */
  public <Req, Resp> ClientStream<Req, Resp> newStream(MethodDescriptor<Req, Resp> method) {
    return newStream(method, defaults);
  }

  /**
   * Starts a call of any kind with the given options and returns its stream.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param method the method to call
   * @param options the options of this call
   * @return the stream of the new call
   */
  public <Req, Resp> ClientStream<Req, Resp> newStream(MethodDescriptor<Req, Resp> method, CallOptions options) {
    Objects.requireNonNull(method, "method");
    return core.newStream(method, Objects.requireNonNull(options, "options"));
  }

  /** {@return the call options used by the methods that take none} */
  public CallOptions defaultCallOptions() {
    return defaults;
  }

  /** {@return the target this channel was opened with} */
  public String target() {
    return core.target().text();
  }

  /**
   * The channel's connectivity state (see {@link ConnectivityState}): over a network transport,
   * IDLE until the first call; {@code connect} starts connecting an IDLE channel without making a
   * call. An in-process channel is READY until closed.
   *
   * @param connect whether an IDLE channel should start connecting
   * @return the state now (before any connecting starts)
   */
  public ConnectivityState state(boolean connect) {
    return core.state(connect);
  }

  /**
   * Runs {@code callback} once the channel's state is no longer {@code source}, on a new virtual
   * thread; at once if it already differs. The callback runs once; register again to hear of the
   * next change. As grpc-java's {@code ManagedChannel.notifyWhenStateChanged}.
   *
   * @param source the state the caller last saw
   * @param callback what to run when the state differs from it
   */
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    core.notifyWhenStateChanged(source, callback);
  }

  /**
   * Waits until the channel's state is no longer {@code source}, at most {@code timeout}.
   *
   * @param source the state the caller last saw
   * @param timeout how long to wait at most
   * @return the state when the wait ended: {@code source} if it timed out
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public ConnectivityState awaitStateChange(ConnectivityState source, Duration timeout) throws InterruptedException {
    java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
    core.notifyWhenStateChanged(source, changed::countDown);
    changed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return core.state(false);
  }

  /** {@return the name of the transport carrying this channel's calls} */
  public String transportName() {
    return core.transportName();
  }

  /** Graceful close: new calls fail {@code UNAVAILABLE}; calls in flight finish. Idempotent. */
  @Override
  public void close() {
    core.shutdown();
  }

  /** Cancels every call in flight ({@code UNAVAILABLE}) and closes the connection. Idempotent. */
  public void shutdownNow() {
    core.shutdownNow();
  }

  /** {@return whether {@link #close()} or {@link #shutdownNow()} was called} */
  public boolean isShutdown() {
    return core.isShutdown();
  }

  /**
   * Waits until the channel is closed and its calls have ended; true if that happened in time.
   *
   * @param timeout how long to wait at most
   * @return true if the channel terminated within {@code timeout}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return core.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static <Req, Resp> MethodDescriptor<Req, Resp> checkKind(MethodDescriptor<Req, Resp> m,
      MethodDescriptor.Kind kind) {
    if (Objects.requireNonNull(m, "method").kind() != kind) {
      throw new IllegalArgumentException(m.fullName() + " is " + m.kind() + ": use newStream");
    }
    return m;
  }

  @Override
  public String toString() {
    return "Channel{" + target() + " via " + transportName() + "}";
  }

  /** Builds a {@link Channel}. Not thread-safe; the channel it builds is. */
  public static final class Builder {
    private final String target;
    private String transport;
    private final List<ClientInterceptor> interceptors = new ArrayList<>();
    private boolean inheritHandler = true;
    private CallOptions defaults = CallOptions.DEFAULT;
    private int maxInboundMessageSize = 4 * 1024 * 1024;
    private SSLContext sslContext;
    private String userAgent;
    private Duration idleTimeout;
    private Duration keepAliveTime;
    private Executor executor;
    private final Map<String, String> options = new HashMap<>();
    private final List<NameResolverProvider> resolvers = new ArrayList<>();
    private String loadBalancingPolicy;
    private Map<String, ?> serviceConfig;

    private Builder(String target) {
      this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * Uses the transport with this name ({@code "jetty"}, {@code "inprocess"}) whatever the scheme.
     *
     * @param name the transport's name
     * @return this builder
     */
    public Builder transport(String name) {
      this.transport = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Resolves this channel's target with {@code provider} when it serves the target's scheme,
     * ahead of the built-in resolvers and those found with {@link java.util.ServiceLoader}: a
     * {@link rpc.api.spi.ManualResolver} for a fixed or changing list of addresses, say.
     *
     * @param provider the resolver provider
     * @return this builder
     */
    public Builder nameResolver(NameResolverProvider provider) {
      resolvers.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * The load-balancing policy spreading calls over the addresses the target resolves to, unless
     * the {@linkplain #defaultServiceConfig service config} names one: {@code "pick_first"} (the
     * default, as in gRPC: one connection, to the first address that answers; the next one when it
     * fails) or {@code "round_robin"} (a connection to every address, calls taken in turn by those
     * that are READY); others come from modules providing {@link rpc.api.spi.LoadBalancerProvider}.
     * Unknown names fail {@link #build()}. As grpc-java's {@code defaultLoadBalancingPolicy}.
     *
     * @param policy the policy's name
     * @return this builder
     */
    public Builder defaultLoadBalancingPolicy(String policy) {
      this.loadBalancingPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The service config (grpc's {@code doc/service_config.md}), as the JSON object model a JSON
     * parser gives: {@code Map<String, ?>} for objects, {@code List<?>} for arrays, {@code String},
     * {@code Number} ({@code Double} or any other), {@code Boolean}. As grpc-java's
     * {@code defaultServiceConfig}. It may set, per method ({@code methodConfig} with
     * {@code name: [{service, method}]}, a whole service with no {@code method}, every method with
     * an empty name): {@code timeout} ({@code "1.5s"}; the earlier of it and the call's own deadline
     * applies), {@code waitForReady}, {@code maxRequestMessageBytes},
     * {@code maxResponseMessageBytes}, and one of {@code retryPolicy} ({@code maxAttempts} up to 5,
     * {@code initialBackoff}, {@code maxBackoff}, {@code backoffMultiplier},
     * {@code retryableStatusCodes}) and {@code hedgingPolicy} ({@code maxAttempts},
     * {@code hedgingDelay}, {@code nonFatalStatusCodes}); and for the channel
     * {@code retryThrottling} ({@code maxTokens}, {@code tokenRatio}) and
     * {@code loadBalancingConfig} ({@code [{"round_robin": {}}]}, the first known policy wins over
     * {@link #defaultLoadBalancingPolicy}). Retries and hedges happen only before the response
     * headers arrive, keep at most 1 MiB of request messages per call (16 MiB per channel) for
     * replay, and send {@code grpc-previous-rpc-attempts}; a server's
     * {@code grpc-retry-pushback-ms} trailer sets the next delay (or, negative, stops retrying). A
     * malformed config fails {@link #build()} with an {@link IllegalArgumentException} naming the
     * field. The optional module {@code rpc.serviceconfig} reads one from JSON text
     * ({@code ServiceConfigJson.parse}).
     *
     * @param config the service config, or null for none
     * @return this builder
     */
    public Builder defaultServiceConfig(Map<String, ?> config) {
      this.serviceConfig = config;
      return this;
    }

    /**
     * Adds interceptors; the first added runs first (outermost).
     *
     * @param interceptors the interceptors, in order
     * @return this builder
     */
    public Builder intercept(ClientInterceptor... interceptors) {
      for (ClientInterceptor i : interceptors) {
        this.interceptors.add(Objects.requireNonNull(i, "interceptor"));
      }
      return this;
    }

    /**
     * Whether a call made on a server handler's thread inherits the handler's call (default true):
     * the call gets the handler's deadline when that is earlier than its own (never a later one),
     * and it is cancelled when the handler's call is — the handler's client cancelled, its deadline
     * passed (the call then ends {@code DEADLINE_EXCEEDED}) or the server shut down — so fan-out
     * work for an abandoned request stops. This holds for blocking, asynchronous and streaming
     * calls started on the handler's own thread, not on threads it hands work to. Unlike
     * grpc-java's {@code Context}, a handler that returns leaves its asynchronous calls running.
     * False makes this channel's calls independent of any handler, for work that must outlive the
     * request.
     *
     * @param inherit whether calls inherit the deadline and cancellation of the handler making them
     * @return this builder
     */
    public Builder inheritHandlerContext(boolean inherit) {
      this.inheritHandler = inherit;
      return this;
    }

    /**
     * The call options used by calls that pass none. A {@linkplain CallOptions#withTimeout timeout}
     * in them counts from the start of each call, so {@code
     * defaultCallOptions(CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)))} gives every call
     * five seconds for as long as the channel lives.
     *
     * @param options the default call options
     * @return this builder
     */
    public Builder defaultCallOptions(CallOptions options) {
      this.defaults = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Completes the futures of asynchronous calls on {@code executor} (so the stages that depend on
     * them run there) instead of on a new virtual thread each, which is the default (null). As
     * grpc-java's {@code ManagedChannelBuilder.executor}. A task the executor refuses runs on a new
     * virtual thread: a completion is never lost. Transport threads never run these stages unless
     * the executor runs tasks on the thread that hands them over ({@code Runnable::run}): don't.
     * Handlers that keep every CPU busy on virtual threads delay virtual-thread completions too; a
     * platform-thread executor here keeps them on time.
     *
     * @param executor the executor, or null for a new virtual thread per completion
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * The largest response message accepted (default 4 MiB); larger ones fail {@code RESOURCE_EXHAUSTED}.
     *
     * @param bytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("bytes must be positive: " + bytes);
      }
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /**
     * TLS settings (trust store, client certificate) for {@code https} targets.
     *
     * @param context the TLS settings, or null for the JDK default
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    /**
     * A prefix for the {@code user-agent} header.
     *
     * @param userAgent the prefix, or null for none
     * @return this builder
     */
    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    /**
     * Closes the connection after this long without calls; it reopens on the next call.
     *
     * @param timeout the idle time, or null for the transport's default
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Sends an HTTP/2 PING after this long without traffic, to keep the connection alive.
     *
     * @param time the quiet time before a PING, or null for no keep-alive
     * @return this builder
     */
    public Builder keepAliveTime(Duration time) {
      this.keepAliveTime = time;
      return this;
    }

    /**
     * A transport-specific setting (documented by the transport, such as {@code
     * rpc.transport.jetty.JettyTransportOptions}). A key the chosen transport does not read fails
     * {@link #build()} with an {@link IllegalArgumentException} naming the keys it does read.
     *
     * @param key the setting's name
     * @param value its value
     * @return this builder
     */
    public Builder option(String key, String value) {
      options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Builds the channel. Does not connect yet: network transports connect on the first call.
     *
     * @return the new channel
     * @throws IllegalArgumentException if the target is malformed, no transport serves it, or an
     *     {@linkplain #option option} key is unknown to the transport
     */
    public Channel build() {
      Target t = Target.parse(target);
      ClientTransportConfig config = new ClientTransportConfig(t, maxInboundMessageSize, sslContext, userAgent,
          idleTimeout, keepAliveTime, options);
      return new Channel(ChannelCore.create(config, transport, List.copyOf(interceptors), inheritHandler, executor,
          List.copyOf(resolvers), loadBalancingPolicy, serviceConfig), defaults);
    }
  }
}
