package rpc.api.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import rpc.api.CallOptions;
import rpc.api.ClientInterceptor;
import rpc.api.ClientStream;
import rpc.api.Deadline;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.Target;
import rpc.api.spi.TransportProvider;

/** The machinery behind {@link rpc.api.Channel}. Thread-safe. */
public final class ChannelCore {
  private final Target target;
  private final String transportName;
  private final ClientTransport transport;
  private final ClientInterceptor.Next chain;
  private volatile boolean shutdown;

  private ChannelCore(Target target, TransportProvider provider, ClientTransport transport,
      List<ClientInterceptor> interceptors) {
    this.target = target;
    this.transportName = provider.name();
    this.transport = transport;
    ClientInterceptor.Next next = new ClientInterceptor.Next() {
      @Override
      public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
        return transportCall(method, options);
      }
    };
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      ClientInterceptor interceptor = interceptors.get(i);
      ClientInterceptor.Next inner = next;
      next = new ClientInterceptor.Next() {
        @Override
        public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
          return interceptor.intercept(method, options, inner);
        }
      };
    }
    this.chain = next;
  }

  /** Selects the transport and creates the channel machinery. */
  public static ChannelCore create(ClientTransportConfig config, String transportName,
      List<ClientInterceptor> interceptors) {
    TransportProvider provider = Transports.select(config.target(), transportName);
    return new ChannelCore(config.target(), provider, provider.newClientTransport(config), interceptors);
  }

  public Target target() {
    return target;
  }

  public String transportName() {
    return transportName;
  }

  private <Req, Resp> ClientCall<Req, Resp> transportCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    if (shutdown) {
      return new FailedCall<>(method, Status.UNAVAILABLE.withDescription("channel to " + target.text() + " is closed"));
    }
    Deadline deadline = options.deadline();
    if (deadline != null && deadline.isExpired()) {
      return new FailedCall<>(method, Status.DEADLINE_EXCEEDED.withDescription(
          "deadline exceeded before the call started (" + deadline + ")"));
    }
    ClientCall<Req, Resp> call = transport.newCall(method, options);
    if (deadline == null && !options.hasHeaders()) {
      return call;
    }
    return new OptionsCall<>(call, deadline, options.hasHeaders() ? options.headers() : null);
  }

  /** A new call through the interceptors. */
  public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    return chain.newCall(method, options);
  }

  public <Req, Resp> ClientStream<Req, Resp> newStream(MethodDescriptor<Req, Resp> method, CallOptions options) {
    BlockingClientStream<Req, Resp> stream = new BlockingClientStream<>(newCall(method, options));
    stream.start();
    return stream;
  }

  public <Req, Resp> CompletableFuture<Resp> asyncUnary(MethodDescriptor<Req, Resp> method, Req request,
      CallOptions options) {
    java.util.Objects.requireNonNull(request, "request");
    UnaryCall<Req, Resp> call = new UnaryCall<>(newCall(method, options));
    call.start(request);
    return call;
  }

  public <Req, Resp> Resp blockingUnary(MethodDescriptor<Req, Resp> method, Req request, CallOptions options) {
    UnaryCall<Req, Resp> call = (UnaryCall<Req, Resp>) asyncUnary(method, request, options);
    try {
      return call.get();
    } catch (InterruptedException e) {
      call.cancelCall(Status.CANCELLED.withDescription("calling thread interrupted").withCause(e));
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while waiting for " + method.fullName()).withCause(e)
          .asException();
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
