package rpc.opentelemetry.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;
import rpc.api.CallTracer;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;

/**
 * The server side: per call, {@code grpc.server.call.started} at once, a SERVER span continuing
 * the trace in the request headers and current on the handler's thread, and at the end the
 * duration and message sizes. Thread-safe: serves every call of a server.
 */
public final class ServerTelemetry implements CallTracer.Factory {
  /** Server codes the RPC semantic conventions count as errors (the others are the client's doing). */
  private static final Set<Status.Code> SERVER_ERRORS = EnumSet.of(Status.Code.UNKNOWN, Status.Code.DEADLINE_EXCEEDED,
      Status.Code.UNIMPLEMENTED, Status.Code.INTERNAL, Status.Code.UNAVAILABLE, Status.Code.DATA_LOSS);

  private final Instruments in;
  private final Predicate<String> methodFilter;
  private final boolean messageEvents;

  public ServerTelemetry(Instruments instruments, Predicate<String> methodFilter, boolean messageEvents) {
    this.in = instruments;
    this.methodFilter = methodFilter;
    this.messageEvents = messageEvents;
  }

  @Override
  public CallTracer newTracer(MethodDescriptor<?, ?> method, Metadata headers) {
    Attributes base = Attributes.of(Instruments.METHOD,
        methodFilter.test(method.fullName()) ? method.fullName() : "other");
    in.serverCallStarted.add(1, base);
    Context parent = in.propagator.extract(Context.root(), headers, MetadataCarrier.INSTANCE);
    Span span = in.span(method.fullName(), SpanKind.SERVER).setParent(parent).startSpan();
    return new Call(base, parent.with(span), span);
  }

  private final class Call extends MessageTally {
    private final long startNanos = System.nanoTime();
    private final Attributes base;
    private final Context context;
    /** Touched only by the handler's thread, between handlerStarting and handlerFinished. */
    private Scope scope;

    Call(Attributes base, Context context, Span span) {
      super(span, messageEvents);
      this.base = base;
      this.context = context;
    }

    @Override
    public void handlerStarting() {
      scope = context.makeCurrent();
    }

    @Override
    public void handlerFinished() {
      Scope s = scope;
      scope = null;
      if (s != null) {
        s.close();
      }
    }

    @Override
    public void callEnded(Status status, Metadata trailers) {
      Attributes attributes = ClientTelemetry.withStatus(base, status);
      in.serverCallDuration.record(Instruments.secondsSince(startNanos), attributes);
      in.serverCallSent.record(sentBytes(), attributes);
      in.serverCallReceived.record(receivedBytes(), attributes);
      Instruments.end(span, status, SERVER_ERRORS.contains(status.code()));
    }
  }
}
