package rpc.opentelemetry.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.function.Predicate;
import rpc.api.ClientInterceptor;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * The client side: per call, a CLIENT span (its context injected into the request headers) and
 * {@code grpc.client.call.duration}, measured around everything further in; per attempt, a tracer
 * for the attempt instruments and the message sizes. Thread-safe: serves every call of a channel.
 */
public final class ClientTelemetry implements ClientInterceptor {
  private final Instruments in;
  private final Predicate<String> targetFilter;
  private final Predicate<String> methodFilter;
  private final boolean messageEvents;
  /** The last target seen and how it is recorded: a channel's calls all pass the same one. */
  private volatile RecordedTarget lastTarget = new RecordedTarget("", "");

  private record RecordedTarget(String target, String recorded) {}

  public ClientTelemetry(Instruments instruments, Predicate<String> targetFilter, Predicate<String> methodFilter,
      boolean messageEvents) {
    this.in = instruments;
    this.targetFilter = targetFilter;
    this.methodFilter = methodFilter;
    this.messageEvents = messageEvents;
  }

  @Override
  public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
    long start = System.nanoTime();
    String method = call.method().fullName();
    Attributes base = Attributes.of(Instruments.METHOD, methodFilter.test(method) ? method : "other",
        Instruments.TARGET, recordedTarget(call.target()));
    Context parent = Context.current();
    Span span = in.span(method, SpanKind.CLIENT).setParent(parent).startSpan();
    in.propagator.inject(parent.with(span), call.headers(), MetadataCarrier.INSTANCE);
    call.addTracer(new Attempt(base, span));
    return new Listener<>() {
      @Override
      public Status onClose(Status status, Metadata trailers) {
        in.clientCallDuration.record(Instruments.secondsSince(start), withStatus(base, status));
        Instruments.end(span, status, !status.isOk());
        return status;
      }
    };
  }

  /** {@code grpc.target} for a channel's target, worked out once per target rather than per call. */
  private String recordedTarget(String target) {
    RecordedTarget last = lastTarget;
    if (!last.target().equals(target)) {
      String canonical = canonicalTarget(target);
      last = new RecordedTarget(target, targetFilter.test(canonical) ? canonical : "other");
      lastTarget = last;
    }
    return last.recorded();
  }

  /** A channel target as a URI, as gRFC A66 records it: {@code host:port} is {@code dns:///host:port}. */
  static String canonicalTarget(String target) {
    int colon = target.indexOf(':');
    boolean hasScheme = colon > 0 && target.substring(0, colon).chars()
        .allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
        && !target.substring(colon + 1).chars().allMatch(Character::isDigit);
    return hasScheme ? target : "dns:///" + target;
  }

  static Attributes withStatus(Attributes base, Status status) {
    return base.toBuilder().put(Instruments.STATUS, status.code().name()).build();
  }

  /** The one attempt of a call: started when its headers leave, ended with the call. */
  private final class Attempt extends MessageTally {
    private final Attributes base;
    private volatile long startNanos;

    Attempt(Attributes base, Span span) {
      super(span, messageEvents);
      this.base = base;
    }

    @Override
    public void outboundHeaders(Metadata headers) {
      startNanos = System.nanoTime();
      in.clientAttemptStarted.add(1, base);
    }

    @Override
    public void callEnded(Status status, Metadata trailers) {
      long start = startNanos;
      if (start == 0) {
        return; // failed before it was sent: no attempt was made
      }
      Attributes attributes = withStatus(base, status);
      in.clientAttemptDuration.record(Instruments.secondsSince(start), attributes);
      in.clientAttemptSent.record(sentBytes(), attributes);
      in.clientAttemptReceived.record(receivedBytes(), attributes);
    }
  }
}
