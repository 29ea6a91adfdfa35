package rpc.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.testkit.StringCodec;
import rpc.testkit.Waits;

/**
 * The same unary call made twice, once between a grpc-java client and server instrumented by
 * grpc-java's own OpenTelemetry plugin, once between ours instrumented by {@link RpcTelemetry}:
 * both record the same instruments — names, units, types, attribute keys and values (but the
 * target's port), bucket boundaries, counts — so a dashboard built for grpc-java reads ours.
 */
@Timeout(60)
class GrpcJavaParityTest {
  private static final String SERVICE = "parity.Echo";
  private static final String METHOD = SERVICE + "/Upper";

  private static final io.grpc.MethodDescriptor.Marshaller<String> UTF8 = new io.grpc.MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** What a dashboard sees of each instrument, with the target's varying port masked. */
  private static Map<String, String> shape(InMemoryMetricReader reader) throws InterruptedException {
    List<MetricData> all = Waits.until("nine instruments recorded", reader::collectAllMetrics, m -> m.size() >= 9,
        Duration.ofSeconds(10)).stream().toList();
    Map<String, String> shapes = new TreeMap<>();
    for (MetricData m : all) {
      List<? extends PointData> points = List.copyOf(m.getData().getPoints());
      String attributes = points.stream().map(p -> p.getAttributes().asMap().entrySet().stream()
              .map(e -> e.getKey().getKey() + "=" + e.getValue().toString().replaceAll(":\\d+$", ":PORT"))
              .sorted().collect(Collectors.joining(",")))
          .sorted().collect(Collectors.joining(" | "));
      String detail = switch (m.getType()) {
        case HISTOGRAM -> "count=" + m.getHistogramData().getPoints().iterator().next().getCount() + " boundaries="
            + m.getHistogramData().getPoints().iterator().next().getBoundaries();
        case LONG_SUM -> "value=" + m.getLongSumData().getPoints().iterator().next().getValue();
        default -> "";
      };
      shapes.put(m.getName(), m.getUnit() + " " + m.getType() + " {" + attributes + "} " + detail);
    }
    return shapes;
  }

  @Test
  void ourInstrumentsReadLikeGrpcJavas() throws Exception {
    // grpc-java, end to end, with its plugin
    Map<String, String> expected;
    InMemoryMetricReader theirs = InMemoryMetricReader.create();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(theirs).build()).build()) {
      GrpcOpenTelemetry plugin = GrpcOpenTelemetry.newBuilder().sdk(sdk).build();
      io.grpc.MethodDescriptor<String, String> upper = io.grpc.MethodDescriptor.<String, String>newBuilder()
          .setType(io.grpc.MethodDescriptor.MethodType.UNARY).setFullMethodName(METHOD)
          .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).setSampledToLocalTracing(true).build();
      ServerBuilder<?> serverBuilder = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
          .addService(ServerServiceDefinition.builder(SERVICE).addMethod(upper, ServerCalls.asyncUnaryCall(
              (request, responses) -> {
                responses.onNext(request.toUpperCase());
                responses.onCompleted();
              })).build());
      plugin.configureServerBuilder(serverBuilder);
      io.grpc.Server server = serverBuilder.build().start();
      ManagedChannelBuilder<?> channelBuilder = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(),
          InsecureChannelCredentials.create());
      plugin.configureChannelBuilder(channelBuilder);
      ManagedChannel channel = channelBuilder.build();
      try {
        assertEquals("HELLO", ClientCalls.blockingUnaryCall(channel, upper,
            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello"));
      } finally {
        channel.shutdownNow();
        server.shutdownNow();
      }
      expected = shape(theirs);
    }

    // ours, end to end, with RpcTelemetry
    Map<String, String> actual;
    InMemoryMetricReader ours = InMemoryMetricReader.create();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(ours).build()).build()) {
      RpcTelemetry telemetry = RpcTelemetry.create(sdk);
      MethodDescriptor<String, String> upper = MethodDescriptor.of(METHOD, MethodDescriptor.Kind.UNARY,
          StringCodec.INSTANCE, StringCodec.INSTANCE);
      Server server = Server.newBuilder().listen("127.0.0.1:0").tracer(telemetry.serverTracer())
          .addService(ServiceDefinition.newBuilder(SERVICE).unary(upper, (request, context) -> request.toUpperCase())
              .build())
          .build().start();
      try (Channel channel = Channel.newBuilder("127.0.0.1:" + server.port())
          .intercept(telemetry.clientInterceptor()).build()) {
        assertEquals("HELLO", channel.call(upper, "hello"));
      } finally {
        server.shutdownNow();
      }
      actual = shape(ours);
    }

    assertEquals(expected.keySet(), actual.keySet(), "the instruments");
    for (String name : expected.keySet()) {
      assertEquals(expected.get(name), actual.get(name), name);
    }
  }
}
