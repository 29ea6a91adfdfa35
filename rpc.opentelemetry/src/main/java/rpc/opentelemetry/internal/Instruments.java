package rpc.opentelemetry.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import rpc.api.Status;

/**
 * The OpenTelemetry instruments of gRFC A66 and the tracer, made once per
 * {@code RpcTelemetry}; the attribute keys and span conventions both sides share. Thread-safe.
 */
public final class Instruments {
  static final String SCOPE = "rpc";
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("grpc.status");
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("grpc.target");

  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<Long> RPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
  private static final AttributeKey<String> MESSAGE_TYPE = AttributeKey.stringKey("message.type");
  private static final AttributeKey<Long> MESSAGE_ID = AttributeKey.longKey("message.id");
  private static final AttributeKey<Long> MESSAGE_COMPRESSED = AttributeKey.longKey("message.compressed_size");
  private static final AttributeKey<Long> MESSAGE_UNCOMPRESSED = AttributeKey.longKey("message.uncompressed_size");

  /** gRFC A66's latency buckets, in seconds. */
  static final List<Double> LATENCY_BUCKETS = List.of(0d, 0.00001, 0.00005, 0.0001, 0.0003, 0.0006, 0.0008, 0.001,
      0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04, 0.05, 0.065, 0.08, 0.1,
      0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.65, 0.8, 1d, 2d, 5d, 10d, 20d, 50d, 100d);
  /** gRFC A66's size buckets, in bytes. */
  static final List<Long> SIZE_BUCKETS = List.of(0L, 1024L, 2048L, 4096L, 16384L, 65536L, 262144L, 1048576L,
      4194304L, 16777216L, 67108864L, 268435456L, 1073741824L, 4294967296L);

  final LongCounter clientAttemptStarted;
  final DoubleHistogram clientAttemptDuration;
  final LongHistogram clientAttemptSent;
  final LongHistogram clientAttemptReceived;
  final DoubleHistogram clientCallDuration;
  final LongCounter serverCallStarted;
  final DoubleHistogram serverCallDuration;
  final LongHistogram serverCallSent;
  final LongHistogram serverCallReceived;
  final Tracer tracer;
  final TextMapPropagator propagator;

  /**
   * The instruments and tracer of {@code otel}; {@code propagator} carries the trace context, or
   * null for the one {@code otel} is configured with, W3C trace context if that one does nothing.
   */
  public Instruments(OpenTelemetry otel, TextMapPropagator propagator) {
    Meter meter = otel.getMeter(SCOPE);
    clientAttemptStarted = meter.counterBuilder("grpc.client.attempt.started").setUnit("{attempt}")
        .setDescription("Number of client call attempts started.").build();
    clientAttemptDuration = duration(meter, "grpc.client.attempt.duration",
        "Time taken to complete a client call attempt.");
    clientAttemptSent = size(meter, "grpc.client.attempt.sent_total_compressed_message_size",
        "Compressed message bytes sent per client call attempt.");
    clientAttemptReceived = size(meter, "grpc.client.attempt.rcvd_total_compressed_message_size",
        "Compressed message bytes received per call attempt.");
    clientCallDuration = duration(meter, "grpc.client.call.duration",
        "Time taken by gRPC to complete an RPC from application's perspective.");
    serverCallStarted = meter.counterBuilder("grpc.server.call.started").setUnit("{call}")
        .setDescription("Number of server calls started.").build();
    serverCallDuration = duration(meter, "grpc.server.call.duration",
        "Time taken to complete a call from server transport's perspective.");
    serverCallSent = size(meter, "grpc.server.call.sent_total_compressed_message_size",
        "Compressed message bytes sent per server call.");
    serverCallReceived = size(meter, "grpc.server.call.rcvd_total_compressed_message_size",
        "Compressed message bytes received per server call.");
    tracer = otel.getTracer(SCOPE);
    TextMapPropagator configured = otel.getPropagators().getTextMapPropagator();
    this.propagator = propagator != null ? propagator
        : configured == TextMapPropagator.noop() ? W3CTraceContextPropagator.getInstance() : configured;
  }

  private static DoubleHistogram duration(Meter meter, String name, String description) {
    return meter.histogramBuilder(name).setUnit("s").setDescription(description)
        .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS).build();
  }

  private static LongHistogram size(Meter meter, String name, String description) {
    return meter.histogramBuilder(name).ofLongs().setUnit("By").setDescription(description)
        .setExplicitBucketBoundariesAdvice(SIZE_BUCKETS).build();
  }

  /** A span builder for a call of {@code fullMethod} with the RPC attributes set. */
  SpanBuilder span(String fullMethod, SpanKind kind) {
    int slash = fullMethod.lastIndexOf('/');
    return tracer.spanBuilder(fullMethod).setSpanKind(kind)
        .setAttribute(RPC_SYSTEM, "grpc")
        .setAttribute(RPC_SERVICE, slash < 0 ? fullMethod : fullMethod.substring(0, slash))
        .setAttribute(RPC_METHOD, slash < 0 ? fullMethod : fullMethod.substring(slash + 1));
  }

  /** Sets the status attribute and, if {@code error}, the span's error status; ends it. */
  static void end(Span span, Status status, boolean error) {
    span.setAttribute(RPC_STATUS, (long) status.code().value());
    if (error) {
      span.setStatus(StatusCode.ERROR, status.code() + (status.description() == null ? "" : ": " + status.description()));
    }
    span.end();
  }

  /** A message event on {@code span}. */
  static void messageEvent(Span span, boolean sent, long id, long wireSize, long uncompressedSize) {
    span.addEvent("message", Attributes.of(MESSAGE_TYPE, sent ? "SENT" : "RECEIVED", MESSAGE_ID, id,
        MESSAGE_COMPRESSED, wireSize, MESSAGE_UNCOMPRESSED, uncompressedSize));
  }

  /** Seconds since {@code startNanos}. */
  static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
