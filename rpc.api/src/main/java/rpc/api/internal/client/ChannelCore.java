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
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.internal.HandlerCall;
import rpc.api.internal.Transports;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.Target;

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

  private ChannelCore(Target target, String transportName, ClientTransport transport,
      List<ClientInterceptor> interceptors, boolean inheritHandler, Executor completions) {
    this.target = target;
    this.transportName = transportName;
    this.transport = transport;
    this.completions = completions;
    List<ClientInterceptor> all = new ArrayList<>(interceptors);
    // The library's own per-call features, innermost: the options' headers, tracing (outside the
    // deadline, so tracers see the status the application sees), what a call made by a server
    // handler inherits from the handler's call, the deadline.
    all.add(OptionHeadersInterceptor.INSTANCE);
    all.add(TracingInterceptor.INSTANCE);
    if (inheritHandler) {
      all.add(HandlerContextInterceptor.INSTANCE);
    }
    all.add(DeadlineInterceptor.INSTANCE);
    this.chain = List.copyOf(all);
  }

  /**
   * Selects the transport and creates the channel machinery; {@code inheritHandler}: calls made on a
   * server handler's thread inherit its deadline and cancellation; {@code completions} runs the
   * completion of asynchronous calls (null: a new virtual thread each).
   */
  public static ChannelCore create(ClientTransportConfig config, String transportName,
      List<ClientInterceptor> interceptors, boolean inheritHandler, Executor completions) {
    Transports.Selection selected = Transports.select(config.target(), transportName);
    Transports.checkOptionKeys(selected.provider(), "channel", selected.provider().clientOptionKeys(),
        config.options());
    ClientTransportConfig resolved = selected.target() == config.target() ? config
        : new ClientTransportConfig(selected.target(), config.maxInboundMessageSize(), config.sslContext(),
            config.userAgent(), config.idleTimeout(), config.keepAliveTime(), config.options());
    ClientTransport transport = selected.provider().newClientTransport(resolved);
    return new ChannelCore(resolved.target(), selected.provider().name(), transport, interceptors, inheritHandler,
        completions == null ? rpc.api.internal.VirtualThreads.EXECUTOR : completions);
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
  }

  public void shutdownNow() {
    shutdown = true;
    transport.shutdownNow();
  }

  public boolean isShutdown() {
    return shutdown;
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return transport.awaitTermination(timeout, unit);
  }
}
