package rpc.examples.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.opentelemetry.RpcTelemetry;

/**
 * {@code --otel}: an OpenTelemetry SDK whose logging exporters print every span (in batches, off
 * the call path) and, when the example ends, the metrics — through java.util.logging at INFO, on
 * standard error. Thread-safe; {@link #close} once, at the end.
 */
final class Telemetry implements AutoCloseable {
  private final OpenTelemetrySdk sdk;
  private final RpcTelemetry rpc;

  Telemetry() {
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), "rpc-examples")));
    sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().setResource(resource)
            .registerMetricReader(PeriodicMetricReader.builder(LoggingMetricExporter.create())
                .setInterval(Duration.ofMinutes(10)).build()) // and once more at close
            .build())
        .setTracerProvider(SdkTracerProvider.builder().setResource(resource)
            .addSpanProcessor(BatchSpanProcessor.builder(LoggingSpanExporter.create()).build())
            .build())
        .build(); // no propagator configured: RpcTelemetry carries W3C trace context
    rpc = RpcTelemetry.create(sdk);
  }

  Server.Builder instrument(Server.Builder builder) {
    return builder.tracer(rpc.serverTracer());
  }

  Channel.Builder instrument(Channel.Builder builder) {
    return builder.intercept(rpc.clientInterceptor());
  }

  /** Flushes what is left: the last spans, then every metric. */
  @Override
  public void close() {
    sdk.close();
  }
}
