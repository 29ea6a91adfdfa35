package rpc.api.internal.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import rpc.api.CallOptions;
import rpc.api.CallTracer;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.internal.Scheduler;
import rpc.api.internal.config.ServiceConfig;
import rpc.api.spi.ClientCall;
import rpc.api.spi.SerialExecutor;
import rpc.api.spi.Unprocessed;

/**
 * One call sent as several attempts, as gRFC A6 describes: a retry policy starts a new attempt
 * after a retryable status (with exponential backoff, or the server's pushback), a hedging policy
 * starts attempts at intervals while earlier ones are in flight, and an attempt the transport never
 * delivered to the server ({@link Unprocessed}) is sent again at once. The first attempt that
 * receives response headers or a message, or ends in a way that does not retry, is <em>committed</em>:
 * the others are cancelled and from then on the call is that attempt. Until then the request
 * messages are kept (at most {@link #PER_CALL_BUFFER} bytes per call and {@link Budget} per channel
 * as the codec sizes them; beyond that the call commits to the attempt in flight), so that a new
 * attempt can replay them.
 *
 * <p>Thread-safe as {@link ClientCall} requires: every method and every attempt's callback runs on
 * one {@link SerialExecutor}, which is also where the application's listener is called.
 */
final class RetriableCall<Req, Resp> implements ClientCall<Req, Resp> {
  /** Request bytes one call keeps for replay before it stops retrying (grpc-java's default). */
  static final long PER_CALL_BUFFER = 1 << 20;
  private static final String PREVIOUS_ATTEMPTS = rpc.api.wire.GrpcHeaders.GRPC_PREVIOUS_RPC_ATTEMPTS;
  private static final String PUSHBACK = rpc.api.wire.GrpcHeaders.GRPC_RETRY_PUSHBACK_MS;
  private static final int MAX_TRANSPARENT_RETRIES = 2;

  /** Request bytes all calls of one channel keep for replay (16 MiB, grpc-java's default). Thread-safe. */
  static final class Budget {
    private final AtomicLong left = new AtomicLong(16L << 20);

    boolean take(long bytes) {
      if (left.addAndGet(-bytes) >= 0) {
        return true;
      }
      left.addAndGet(bytes);
      return false;
    }

    void give(long bytes) {
      left.addAndGet(bytes);
    }
  }

  /** gRFC A6 retry throttling for one channel. Thread-safe. */
  static final class Throttle {
    private final long max; // in thousandths of a token
    private final long ratio;
    private final AtomicLong tokens;

    Throttle(ServiceConfig.Throttling config) {
      this.max = config.maxTokens() * 1000L;
      this.ratio = Math.round(config.tokenRatio() * 1000);
      this.tokens = new AtomicLong(max);
    }

    boolean allowsRetry() {
      return tokens.get() > max / 2;
    }

    void failed() {
      tokens.getAndUpdate(t -> Math.max(0, t - 1000));
    }

    void succeeded() {
      tokens.getAndUpdate(t -> Math.min(max, t + ratio));
    }
  }

  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions options;
  private final ServiceConfig.RetryPolicy retry;
  private final ServiceConfig.HedgingPolicy hedging;
  private final Throttle throttle;
  private final Budget budget;
  private final BiFunction<MethodDescriptor<Req, Resp>, CallOptions, ClientCall<Req, Resp>> transport;
  private final Tracker tracker;
  private final SerialExecutor serial = new SerialExecutor();

  // Serial-confined:
  private Listener<Resp> app;
  private Metadata headers;
  private CallTracer tracer;
  private final List<Req> sent = new ArrayList<>();
  private long keptBytes;
  private boolean overflow;
  private boolean halfClosed;
  private long requested;
  private boolean compress = true;
  private final List<Attempt> active = new ArrayList<>(2);
  private int attempts;
  private int transparentRetries;
  private long backoffNanos;
  private ScheduledFuture<?> timer;
  private Attempt committed;
  private boolean closed;
  private Status endStatus;
  /** The call the application's isReady() and inboundMessageCompressed() read. */
  private volatile ClientCall<Req, Resp> probe;
  private volatile boolean mayBuffer = true;

  /**
   * Knows the started calls of a channel, so that shutting it down ends those waiting between
   * attempts (no transport holds them then). Thread-safe.
   */
  interface Tracker {
    /** A call started. */
    void started(RetriableCall<?, ?> call);

    /** A call ended. */
    void ended(RetriableCall<?, ?> call);

    /** Tracks nothing (tests). */
    Tracker NONE = new Tracker() {
      @Override
      public void started(RetriableCall<?, ?> call) {}

      @Override
      public void ended(RetriableCall<?, ?> call) {}
    };
  }

  RetriableCall(MethodDescriptor<Req, Resp> method, CallOptions options, ServiceConfig.MethodConfig config,
      Throttle throttle, Budget budget,
      BiFunction<MethodDescriptor<Req, Resp>, CallOptions, ClientCall<Req, Resp>> transport) {
    this(method, options, config, throttle, budget, transport, Tracker.NONE);
  }

  RetriableCall(MethodDescriptor<Req, Resp> method, CallOptions options, ServiceConfig.MethodConfig config,
      Throttle throttle, Budget budget,
      BiFunction<MethodDescriptor<Req, Resp>, CallOptions, ClientCall<Req, Resp>> transport, Tracker tracker) {
    this.tracker = tracker;
    this.method = method;
    this.options = options;
    this.retry = config.retry();
    this.hedging = config.hedging();
    this.throttle = throttle;
    this.budget = budget;
    this.transport = transport;
    this.backoffNanos = retry == null ? 0 : retry.initialBackoff().toNanos();
  }

  /** One attempt: a transport call and the listener that reports its events back here. */
  private final class Attempt implements Listener<Resp> {
    final ClientCall<Req, Resp> call;
    boolean ended;

    Attempt(ClientCall<Req, Resp> call) {
      this.call = call;
    }

    @Override
    public void onHeaders(Metadata h) {
      serial.execute(() -> {
        if (commit(this)) {
          app.onHeaders(h);
        }
      });
    }

    @Override
    public void onMessage(Resp message) {
      serial.execute(() -> {
        if (commit(this)) {
          app.onMessage(message);
        }
      });
    }

    @Override
    public void onReady() {
      serial.execute(() -> {
        if (!closed && (committed == null || committed == this)) {
          app.onReady();
        }
      });
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      serial.execute(() -> attemptEnded(this, status, trailers));
    }
  }

  // ---- the application's side ----

  @Override
  public void trace(CallTracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    serial.execute(() -> {
      this.app = listener;
      this.headers = headers;
      if (closed) {
        listener.onClose(endStatus, new Metadata()); // cancelled before it started
      } else {
        tracker.started(this);
        startAttempt(false);
      }
    });
  }

  @Override
  public void request(int n) {
    serial.execute(() -> {
      requested = Math.min(Integer.MAX_VALUE, requested + n);
      for (Attempt a : List.copyOf(active)) {
        a.call.request(n);
      }
    });
  }

  @Override
  public void send(Req message) {
    serial.execute(() -> {
      if (closed) {
        return;
      }
      if (committed != null) {
        committed.call.send(message);
        return;
      }
      long size = sizeOf(message);
      if (!overflow && keptBytes + size <= PER_CALL_BUFFER && budget.take(size)) {
        keptBytes += size;
        sent.add(message);
      } else {
        overflow = true; // no more retries: the call becomes the attempt in flight
      }
      for (Attempt a : List.copyOf(active)) {
        a.call.send(message);
      }
      if (overflow) {
        if (!active.isEmpty()) {
          commit(active.get(active.size() - 1));
        } else {
          sent.add(message); // sent in backoff: the next attempt, the last, replays it
        }
      }
      mayBuffer = !overflow;
    });
  }

  private long sizeOf(Req message) {
    try {
      return Math.max(1, method.requestCodec().encodedSize(message));
    } catch (RuntimeException e) {
      return PER_CALL_BUFFER + 1; // the transport will report the codec's failure; nothing is kept
    }
  }

  @Override
  public boolean isReady() {
    ClientCall<Req, Resp> p = probe;
    return p != null && p.isReady() && (mayBuffer || committedProbe);
  }

  private volatile boolean committedProbe;

  @Override
  public void halfClose() {
    serial.execute(() -> {
      halfClosed = true;
      for (Attempt a : List.copyOf(active)) {
        a.call.halfClose();
      }
    });
  }

  @Override
  public void cancel(Status status) {
    serial.execute(() -> {
      if (closed) {
        return;
      }
      for (Attempt a : List.copyOf(active)) {
        a.call.cancel(status);
      }
      finish(status, new Metadata());
    });
  }

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return method;
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    serial.execute(() -> {
      compress = enabled;
      for (Attempt a : List.copyOf(active)) {
        a.call.setMessageCompression(enabled);
      }
    });
  }

  @Override
  public boolean inboundMessageCompressed() {
    ClientCall<Req, Resp> p = probe;
    return p != null && p.inboundMessageCompressed();
  }

  // ---- attempts ----

  /** Serial: sends a new attempt and replays what the application did so far. */
  private void startAttempt(boolean transparent) {
    timer = null;
    if (!transparent) {
      attempts++;
    }
    ClientCall<Req, Resp> call;
    try {
      call = transport.apply(method, options);
    } catch (RuntimeException e) {
      finish(Status.INTERNAL.withDescription("transport could not create the call: " + e).withCause(e), new Metadata());
      return;
    }
    Attempt attempt = new Attempt(call);
    active.add(attempt);
    if (tracer != null) {
      call.trace(tracer);
    }
    Metadata h = headers;
    int previous = attempts - 1;
    if (previous > 0) {
      h = headers.copy();
      h.put(PREVIOUS_ATTEMPTS, Integer.toString(previous));
    }
    probe = call;
    call.start(attempt, h);
    if (closed || attempt.ended) {
      return; // ended inside start
    }
    if (requested > 0) {
      call.request((int) requested);
    }
    if (!compress) {
      call.setMessageCompression(false);
    }
    for (Req m : sent) {
      call.send(m);
    }
    if (halfClosed) {
      call.halfClose();
    }
    if (hedging != null && attempts < hedging.maxAttempts() && committed == null) {
      scheduleHedge();
    }
  }

  private void scheduleHedge() {
    long delay = hedging.delay().toNanos();
    timer = Scheduler.schedule(() -> serial.execute(() -> {
      if (!closed && committed == null && !overflow && attempts < hedging.maxAttempts()
          && (throttle == null || throttle.allowsRetry())) {
        startAttempt(false);
      }
    }), delay);
  }

  /** Serial: {@code a} is the call from now on; false if another attempt already is (or the call ended). */
  private boolean commit(Attempt a) {
    if (closed) {
      return false;
    }
    if (committed != null) {
      return committed == a;
    }
    committed = a;
    committedProbe = true;
    probe = a.call;
    cancelTimer();
    for (Attempt other : List.copyOf(active)) {
      if (other != a) {
        other.call.cancel(Status.CANCELLED.withDescription("another attempt of this call was committed"));
      }
    }
    releaseKept();
    return true;
  }

  private void releaseKept() {
    sent.clear();
    budget.give(keptBytes);
    keptBytes = 0;
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Serial: an attempt ended; retry, hedge on, or end the call. */
  private void attemptEnded(Attempt a, Status status, Metadata trailers) {
    a.ended = true;
    active.remove(a);
    if (closed) {
      return;
    }
    if (committed != null) {
      if (committed == a) {
        finish(status, trailers);
      }
      return;
    }
    if (status.isOk()) {
      commit(a);
      finish(status, trailers);
      return;
    }
    if (Unprocessed.isUnprocessed(status) && transparentRetries < MAX_TRANSPARENT_RETRIES && !overflow) {
      transparentRetries++;
      if (active.isEmpty() && timer == null) {
        startAttempt(true);
      }
      return;
    }
    if (retry != null) {
      retryOrFinish(a, status, trailers);
    } else if (hedging != null) {
      hedgeOrFinish(a, status, trailers);
    } else {
      commit(a);
      finish(status, trailers);
    }
  }

  private void retryOrFinish(Attempt a, Status status, Metadata trailers) {
    boolean retryable = retry.retryableCodes().contains(status.code());
    if (retryable && throttle != null) {
      throttle.failed();
    }
    long delay = -1;
    if (retryable && !overflow && attempts < retry.maxAttempts() && (throttle == null || throttle.allowsRetry())) {
      String pushback = trailers.get(PUSHBACK);
      if (pushback == null) {
        delay = (long) (ThreadLocalRandom.current().nextDouble() * backoffNanos);
        backoffNanos = Math.min(retry.maxBackoff().toNanos(), (long) (backoffNanos * retry.multiplier()));
      } else {
        delay = pushbackNanos(pushback);
        backoffNanos = retry.initialBackoff().toNanos();
      }
    }
    if (delay < 0) {
      commit(a);
      finish(status, trailers);
      return;
    }
    probe = null; // nothing to send on while waiting: isReady() is false
    timer = Scheduler.schedule(() -> serial.execute(() -> {
      if (!closed && committed == null) {
        startAttempt(false);
      }
    }), delay);
  }

  /** A pushback's delay in nanoseconds, or -1 for "do not retry" (negative or not a number, as A6 says). */
  private static long pushbackNanos(String value) {
    try {
      long ms = Long.parseLong(value.strip());
      return ms < 0 ? -1 : java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(ms);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void hedgeOrFinish(Attempt a, Status status, Metadata trailers) {
    boolean nonFatal = hedging.nonFatalCodes().contains(status.code());
    if (nonFatal && throttle != null) {
      throttle.failed();
    }
    if (!nonFatal) {
      commit(a); // a fatal status ends the call, whatever the others would say
      finish(status, trailers);
      return;
    }
    String pushback = trailers.get(PUSHBACK);
    boolean stop = pushback != null && pushbackNanos(pushback) < 0;
    boolean more = !stop && !overflow && attempts < hedging.maxAttempts() && (throttle == null || throttle.allowsRetry());
    if (more) {
      cancelTimer();
      if (pushback != null) {
        timer = Scheduler.schedule(() -> serial.execute(() -> {
          if (!closed && committed == null) {
            startAttempt(false);
          }
        }), pushbackNanos(pushback));
      } else {
        startAttempt(false);
      }
      return;
    }
    if (active.isEmpty()) {
      cancelTimer();
      commit(a);
      finish(status, trailers);
    }
  }

  /** Serial: the call's one end. */
  private void finish(Status status, Metadata trailers) {
    if (closed) {
      return;
    }
    closed = true;
    endStatus = status;
    cancelTimer();
    releaseKept();
    if (throttle != null && status.isOk()) {
      throttle.succeeded();
    }
    Listener<Resp> l = app;
    if (l != null) {
      tracker.ended(this);
      l.onClose(status, trailers);
    }
  }
}
