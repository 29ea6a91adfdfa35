package rpc.api.internal.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import rpc.api.CallOptions;
import rpc.api.CallTracer;
import rpc.api.ClientInterceptor;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.internal.Tracers;
import rpc.api.spi.ClientCall;

/**
 * One call through a channel's interceptor chain: runs each {@link ClientInterceptor#intercept} in
 * order (this object is the {@link ClientInterceptor.Call} they see), creates the transport's call
 * with the options they leave, and passes every event through their listeners — outbound in chain
 * order, inbound in reverse. Thread-safe as {@link ClientCall} requires; {@link #cancel} from any
 * thread at any time, also while the chain runs or before {@link #start}.
 */
final class InterceptedCall<Req, Resp> implements ClientCall<Req, Resp>, ClientInterceptor.Call<Req, Resp> {
  private static final Object STARTED = new Object();
  private static final ClientInterceptor.Listener<?, ?>[] NO_LISTENERS = {};
  private static final VarHandle START_STATE;

  static {
    try {
      START_STATE = MethodHandles.lookup().findVarHandle(InterceptedCall.class, "startState", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MethodDescriptor<Req, Resp> method;
  private final String target;
  /** The interceptors' listeners in chain order; fixed once the chain has run. */
  private ClientInterceptor.Listener<Req, Resp>[] listeners;
  /** Tracers attached so far; null for none (the common case costs nothing). */
  private List<CallTracer> tracers;
  private final Metadata headers = new Metadata();
  private CallOptions options;
  /** Whether the chain has run: the setters of {@link ClientInterceptor.Call} are closed. */
  private boolean sealed;
  /** Null before start, then {@link #STARTED}; a {@link Status} if cancelled before start. */
  @SuppressWarnings("unused") // through START_STATE
  private volatile Object startState;
  private volatile ClientCall<Req, Resp> delegate;
  /** The tracers as one, shared by the tracing interceptor and the transport's call; null for none. */
  private CallTracer tracer;
  /** The interceptors' onClose has begun: no onSend after it. */
  private volatile boolean ended;
  /** Whether the tracing interceptor has taken over reporting the end to the tracers. */
  private boolean endReported;

  private InterceptedCall(MethodDescriptor<Req, Resp> method, String target, CallOptions options) {
    this.method = method;
    this.target = target;
    this.options = options;
  }

  /**
   * Runs {@code chain} over a new call of {@code method} and returns it, not started;
   * {@code transport} makes the transport's call from the options the chain leaves.
   */
  static <Req, Resp> InterceptedCall<Req, Resp> create(MethodDescriptor<Req, Resp> method, String target,
      CallOptions options, List<ClientInterceptor> chain,
      BiFunction<MethodDescriptor<Req, Resp>, CallOptions, ClientCall<Req, Resp>> transport) {
    InterceptedCall<Req, Resp> call = new InterceptedCall<>(method, target, options);
    Status failure = null;
    List<ClientInterceptor.Listener<Req, Resp>> listeners = null;
    for (ClientInterceptor interceptor : chain) {
      try {
        ClientInterceptor.Listener<Req, Resp> listener = interceptor.intercept(call);
        if (listener != null) {
          if (listeners == null) {
            listeners = new ArrayList<>(4);
          }
          listeners.add(listener);
        }
      } catch (StatusException e) {
        failure = e.status();
      } catch (Throwable e) {
        Tracers.rethrowFatal(e);
        failure = Status.INTERNAL.withDescription("client interceptor " + interceptor.getClass().getName()
            + " failed: " + e).withCause(e);
      }
      if (failure == null && call.startState instanceof Status cancelled) {
        failure = cancelled;
      }
      if (failure != null) {
        break;
      }
    }
    call.sealed = true;
    call.listeners = listeners == null ? noListeners() : listeners.toArray(noListeners());
    if (call.tracer == null && call.tracers != null) {
      call.tracer = Tracers.of(call.tracers); // the tracing interceptor did not run (the chain failed first)
    }
    if (failure != null && call.tracer != null && !call.endReported) {
      call.tracer.callEnded(failure, new Metadata()); // the chain failed before the tracing interceptor
    }
    ClientCall<Req, Resp> bottom;
    if (failure != null) {
      bottom = new FailedCall<>(method, failure);
    } else {
      try {
        bottom = transport.apply(method, call.options);
      } catch (Throwable e) {
        Tracers.rethrowFatal(e);
        bottom = new FailedCall<>(method, Status.INTERNAL.withDescription("transport could not create the call: " + e)
            .withCause(e));
      }
    }
    if (call.tracer != null) {
      bottom.trace(call.tracer);
    }
    call.delegate = bottom;
    return call;
  }

  /**
   * The combined tracer of the call, or null; for the library's tracing interceptor, which from then
   * on reports the call's response headers and end.
   */
  CallTracer tracer() {
    endReported = true;
    if (tracer == null && tracers != null) {
      tracer = Tracers.of(tracers); // the one the transport's call gets too
    }
    return tracer;
  }

  @SuppressWarnings("unchecked")
  private static <Req, Resp> ClientInterceptor.Listener<Req, Resp>[] noListeners() {
    return (ClientInterceptor.Listener<Req, Resp>[]) NO_LISTENERS;
  }

  // ---- ClientInterceptor.Call ----

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return method;
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public CallOptions options() {
    return options;
  }

  @Override
  public void setOptions(CallOptions options) {
    checkOpen();
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public Metadata headers() {
    checkOpen();
    return headers;
  }

  @Override
  public void addTracer(CallTracer tracer) {
    checkOpen();
    Objects.requireNonNull(tracer, "tracer");
    if (tracers == null) {
      tracers = new ArrayList<>(2);
    }
    tracers.add(tracer);
    this.tracer = null; // combined again with this one
  }

  private void checkOpen() {
    if (sealed) {
      throw new IllegalStateException("call " + method.fullName() + " has left the interceptors: "
          + "options, headers and tracers can only change inside intercept");
    }
  }

  // ---- ClientCall ----

  @Override
  public void start(Listener<Resp> listener, Metadata extra) {
    Metadata sent = extra.isEmpty() ? headers : headers.merge(extra);
    ClientCall<Req, Resp> d = delegate;
    if (tracer != null && !(d instanceof FailedCall)) {
      tracer.outboundHeaders(sent); // an attempt: the transport's call starts with them
    }
    d.start(listeners.length == 0 ? listener : new Inbound(listener), sent);
    if (START_STATE.getAndSet(this, STARTED) instanceof Status cancelled) {
      d.cancel(cancelled);
    }
  }

  @Override
  public void cancel(Status status) {
    Objects.requireNonNull(status, "status");
    if (startState != STARTED && START_STATE.compareAndSet(this, null, status)) {
      return; // applied when the chain ends or the call starts
    }
    if (startState == STARTED) {
      delegate.cancel(status);
    }
  }

  @Override
  public void request(int n) {
    delegate.request(n);
  }

  @Override
  public void send(Req message) {
    ClientCall<Req, Resp> d = delegate; // read first: publishes the listeners written before it
    if (ended) {
      return; // the call is over (a transport ignores it too): its listeners have had onClose
    }
    Req m = message;
    for (int i = 0; i < listeners.length; i++) {
      ClientInterceptor.Listener<Req, Resp> l = listeners[i];
      try {
        m = Objects.requireNonNull(l.onSend(m), "onSend returned null");
      } catch (Throwable e) {
        failed(l, "onSend", e);
        return;
      }
    }
    d.send(m);
  }

  @Override
  public boolean isReady() {
    return delegate.isReady();
  }

  @Override
  public void halfClose() {
    delegate.halfClose();
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    delegate.setMessageCompression(enabled);
  }

  @Override
  public boolean inboundMessageCompressed() {
    return delegate.inboundMessageCompressed();
  }

  @Override
  public void trace(CallTracer t) {
    throw new UnsupportedOperationException("tracers join a call through ClientInterceptor.Call.addTracer");
  }

  /** A listener method threw: the call ends with INTERNAL, naming it. */
  private void failed(Object listener, String event, Throwable e) {
    Tracers.rethrowFatal(e);
    cancel(Status.INTERNAL.withDescription("client interceptor listener " + listener.getClass().getName()
        + " failed in " + event + ": " + e).withCause(e));
  }

  /** The application's listener behind the interceptors' listeners, innermost first. */
  private final class Inbound implements Listener<Resp> {
    private final Listener<Resp> application;

    Inbound(Listener<Resp> application) {
      this.application = application;
    }

    @Override
    public void onHeaders(Metadata h) {
      for (int i = listeners.length - 1; i >= 0; i--) {
        ClientInterceptor.Listener<Req, Resp> l = listeners[i];
        try {
          l.onHeaders(h);
        } catch (Throwable e) {
          failed(l, "onHeaders", e);
        }
      }
      application.onHeaders(h);
    }

    @Override
    public void onMessage(Resp message) {
      Resp m = message;
      for (int i = listeners.length - 1; i >= 0; i--) {
        ClientInterceptor.Listener<Req, Resp> l = listeners[i];
        try {
          m = Objects.requireNonNull(l.onMessage(m), "onMessage returned null");
        } catch (Throwable e) {
          failed(l, "onMessage", e);
          return;
        }
      }
      application.onMessage(m);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      ended = true;
      Status s = status;
      for (int i = listeners.length - 1; i >= 0; i--) {
        ClientInterceptor.Listener<Req, Resp> l = listeners[i];
        try {
          Status replaced = l.onClose(s, trailers);
          if (replaced != null) {
            s = replaced;
          }
        } catch (Throwable e) {
          Tracers.reportFailure(l, "onClose", e);
        }
      }
      application.onClose(s, trailers);
    }

    @Override
    public void onReady() {
      application.onReady();
    }
  }
}
