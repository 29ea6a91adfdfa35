package rpc.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.MethodDescriptor.Kind;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.testkit.StringCodec;
import rpc.testkit.Waits;

/**
 * The metrics of gRFC A66 and a span per call on each side, over both transports, read back from
 * the OpenTelemetry SDK's in-memory reader and exporter: names, units, attributes, bucket
 * boundaries, counts and byte totals for the four call kinds, failures and deadlines, and a trace
 * that continues from client to server into a nested call.
 */
@Timeout(60)
class RpcTelemetryTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("grpc.method");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("grpc.status");
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("grpc.target");
  private static final AtomicInteger NAMES = new AtomicInteger();

  static final MethodDescriptor<String, String> UNARY = method("Unary", Kind.UNARY);
  static final MethodDescriptor<String, String> COLLECT = method("Collect", Kind.CLIENT_STREAMING);
  static final MethodDescriptor<String, String> SPLIT = method("Split", Kind.SERVER_STREAMING);
  static final MethodDescriptor<String, String> ECHO = method("Echo", Kind.BIDI_STREAMING);
  static final MethodDescriptor<String, String> FAIL = method("Fail", Kind.UNARY);
  static final MethodDescriptor<String, String> SLOW = method("Slow", Kind.UNARY);
  static final MethodDescriptor<String, String> NESTED = method("Nested", Kind.UNARY);

  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  final RpcTelemetry telemetry = RpcTelemetry.create(otel);
  final List<AutoCloseable> open = new ArrayList<>();
  /** The channel handlers of {@link #NESTED} call through (set once the server is up). */
  volatile Channel nestedChannel;

  static MethodDescriptor<String, String> method(String name, Kind kind) {
    return MethodDescriptor.of("otel.Test/" + name, kind, StringCodec.INSTANCE, StringCodec.INSTANCE);
  }

  ServiceDefinition service() {
    return ServiceDefinition.newBuilder("otel.Test")
        .unary(UNARY, (request, context) -> request.toUpperCase())
        .clientStreaming(COLLECT, stream -> {
          StringBuilder all = new StringBuilder();
          for (String r; (r = stream.receive()) != null; ) {
            all.append(r);
          }
          return all.toString();
        })
        .serverStreaming(SPLIT, (request, stream) -> {
          for (String part : request.split(",")) {
            stream.send(part);
          }
        })
        .bidiStreaming(ECHO, stream -> {
          for (String r; (r = stream.receive()) != null; ) {
            stream.send(r);
          }
        })
        .unary(FAIL, (request, context) -> {
          throw Status.NOT_FOUND.withDescription(request).asException();
        })
        .unary(SLOW, (request, context) -> {
          Thread.sleep(Duration.ofMinutes(1)); // interrupted when the deadline passes
          return request;
        })
        .unary(NESTED, (request, context) -> "nested:" + nestedChannel.call(UNARY, request))
        .build();
  }

  /** A server on {@code transport} with telemetry, and a channel to it with telemetry. */
  Channel start(String transport) throws Exception {
    String address = transport.equals("inprocess") ? "inprocess:otel-" + NAMES.incrementAndGet() : "127.0.0.1:0";
    Server server = Server.newBuilder().listen(address).tracer(telemetry.serverTracer()).addService(service())
        .build().start();
    open.add(server::shutdownNow);
    String target = transport.equals("inprocess") ? address : "127.0.0.1:" + server.port();
    Channel channel = Channel.newBuilder(target).intercept(telemetry.clientInterceptor()).build();
    open.add(channel);
    nestedChannel = channel;
    return channel;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    otel.close();
  }

  // ---- reading the SDK back ----

  MetricData metric(String name) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  /** The histogram point of {@code name} with exactly these attributes. */
  HistogramPointData histogram(String name, Attributes attributes) {
    MetricData m = metric(name);
    return m.getHistogramData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " has no point " + attributes + ": " + m.getHistogramData().getPoints()));
  }

  long counter(String name, Attributes attributes) {
    return metric(name).getLongSumData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes))
        .mapToLong(LongPointData::getValue).sum();
  }

  /** Waits until the server has recorded the end of {@code n} calls of {@code method} with {@code status}. */
  void awaitServerCalls(MethodDescriptor<?, ?> method, String status, long n) throws InterruptedException {
    Waits.until("server calls of " + method.fullName() + " recorded", () -> metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("grpc.server.call.duration"))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .anyMatch(p -> p.getAttributes().equals(server(method, status)) && p.getCount() >= n), WAIT);
  }

  static Attributes server(MethodDescriptor<?, ?> method, String status) {
    return Attributes.of(METHOD, method.fullName(), STATUS, status);
  }

  static Attributes client(MethodDescriptor<?, ?> method, String target, String status) {
    return status == null ? Attributes.of(METHOD, method.fullName(), TARGET, target)
        : Attributes.of(METHOD, method.fullName(), TARGET, target, STATUS, status);
  }

  static String targetOf(Channel channel) {
    return channel.target().startsWith("inprocess:") ? channel.target() : "dns:///" + channel.target();
  }

  // ---- the tests ----

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void allFourCallKindsAreMeasuredOnBothSides(String transport) throws Exception {
    Channel channel = start(transport);
    assertEquals("HELLO", channel.call(UNARY, "hello"));
    try (ClientStream<String, String> call = channel.newStream(COLLECT)) {
      call.send("ab");
      call.send("cde");
      call.halfClose();
      assertEquals("abcde", call.receive());
      assertEquals(null, call.receive(), "read to the end: closing before it would cancel the call");
    }
    try (ClientStream<String, String> call = channel.newStream(SPLIT)) {
      call.send("x,yy,zzz");
      call.halfClose();
      List<String> got = new ArrayList<>();
      for (String r; (r = call.receive()) != null; ) {
        got.add(r);
      }
      assertEquals(List.of("x", "yy", "zzz"), got);
    }
    try (ClientStream<String, String> call = channel.newStream(ECHO)) {
      call.send("1234");
      assertEquals("1234", call.receive());
      call.halfClose();
      assertEquals(null, call.receive());
    }
    String target = targetOf(channel);
    // request bytes sent and response bytes received, per method (no compression: wire = encoded)
    long[][] bytes = {{5, 5}, {5, 5}, {8, 6}, {4, 4}};
    List<MethodDescriptor<String, String>> kinds = List.of(UNARY, COLLECT, SPLIT, ECHO);
    for (int i = 0; i < kinds.size(); i++) {
      MethodDescriptor<String, String> m = kinds.get(i);
      awaitServerCalls(m, "OK", 1);
      assertEquals(1, counter("grpc.client.attempt.started", client(m, target, null)), m.fullName());
      assertEquals(1, histogram("grpc.client.call.duration", client(m, target, "OK")).getCount());
      assertEquals(1, histogram("grpc.client.attempt.duration", client(m, target, "OK")).getCount());
      assertEquals(bytes[i][0], (long) histogram("grpc.client.attempt.sent_total_compressed_message_size",
          client(m, target, "OK")).getSum(), m.fullName());
      assertEquals(bytes[i][1], (long) histogram("grpc.client.attempt.rcvd_total_compressed_message_size",
          client(m, target, "OK")).getSum(), m.fullName());
      assertEquals(1, counter("grpc.server.call.started", Attributes.of(METHOD, m.fullName())));
      assertEquals(bytes[i][0], (long) histogram("grpc.server.call.rcvd_total_compressed_message_size",
          server(m, "OK")).getSum(), m.fullName());
      assertEquals(bytes[i][1], (long) histogram("grpc.server.call.sent_total_compressed_message_size",
          server(m, "OK")).getSum(), m.fullName());
    }
    HistogramPointData d = histogram("grpc.client.call.duration", client(UNARY, target, "OK"));
    assertTrue(d.getSum() > 0 && d.getSum() < 10, "a duration in seconds: " + d.getSum());
  }

  @Test
  void instrumentsHaveTheUnitsAndBucketsOfA66() throws Exception {
    Channel channel = start("jetty");
    channel.call(UNARY, "x");
    awaitServerCalls(UNARY, "OK", 1);
    Collection<MetricData> all = metrics.collectAllMetrics();
    assertEquals(List.of("grpc.client.attempt.duration:s", "grpc.client.attempt.rcvd_total_compressed_message_size:By",
        "grpc.client.attempt.sent_total_compressed_message_size:By", "grpc.client.attempt.started:{attempt}",
        "grpc.client.call.duration:s", "grpc.server.call.duration:s",
        "grpc.server.call.rcvd_total_compressed_message_size:By",
        "grpc.server.call.sent_total_compressed_message_size:By", "grpc.server.call.started:{call}"),
        all.stream().map(m -> m.getName() + ":" + m.getUnit()).sorted().toList());
    List<Double> latency = histogram("grpc.server.call.duration", server(UNARY, "OK")).getBoundaries();
    assertEquals(41, latency.size());
    assertEquals(0.00001, latency.get(1));
    assertEquals(100.0, latency.get(40));
    List<Double> size = histogram("grpc.server.call.sent_total_compressed_message_size", server(UNARY, "OK"))
        .getBoundaries();
    assertEquals(14, size.size());
    assertEquals(4294967296.0, size.get(13));
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void failuresAndDeadlinesCarryTheirStatus(String transport) throws Exception {
    Channel channel = start(transport);
    assertEquals(Status.Code.NOT_FOUND,
        assertThrows(StatusException.class, () -> channel.call(FAIL, "gone")).status().code());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, assertThrows(StatusException.class,
        () -> channel.call(SLOW, "x", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(100)))).status().code());
    String target = targetOf(channel);
    assertEquals(1, histogram("grpc.client.call.duration", client(FAIL, target, "NOT_FOUND")).getCount());
    assertEquals(1, histogram("grpc.client.attempt.duration", client(FAIL, target, "NOT_FOUND")).getCount());
    HistogramPointData slow = histogram("grpc.client.call.duration", client(SLOW, target, "DEADLINE_EXCEEDED"));
    assertTrue(slow.getSum() >= 0.09, "the call ran until its deadline: " + slow.getSum());
    awaitServerCalls(FAIL, "NOT_FOUND", 1);
    Waits.until("the server recorded the deadline", () -> metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("grpc.server.call.duration"))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .anyMatch(p -> SLOW.fullName().equals(p.getAttributes().get(METHOD))), WAIT);

    SpanData failedClient = span(FAIL, SpanKind.CLIENT);
    assertEquals(StatusCode.ERROR, failedClient.getStatus().getStatusCode());
    assertEquals(5L, failedClient.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")));
    SpanData failedServer = Waits.until("the server span", () -> findSpan(FAIL, SpanKind.SERVER), s -> s != null, WAIT);
    assertEquals(StatusCode.UNSET, failedServer.getStatus().getStatusCode(), "NOT_FOUND is the client's doing");
    assertEquals(StatusCode.ERROR, span(SLOW, SpanKind.CLIENT).getStatus().getStatusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"inprocess", "jetty"})
  void theTraceContinuesFromClientToServerIntoANestedCall(String transport) throws Exception {
    Channel channel = start(transport);
    assertEquals("nested:HI", channel.call(NESTED, "hi"));
    awaitServerCalls(NESTED, "OK", 1);
    SpanData outer = span(NESTED, SpanKind.CLIENT);
    SpanData handler = span(NESTED, SpanKind.SERVER);
    SpanData inner = span(UNARY, SpanKind.CLIENT);
    SpanData innerHandler = span(UNARY, SpanKind.SERVER);
    assertEquals(outer.getTraceId(), innerHandler.getTraceId(), "one trace end to end");
    assertEquals(outer.getSpanId(), handler.getParentSpanId(), "the server continues the client's span");
    assertEquals(handler.getSpanId(), inner.getParentSpanId(), "the handler's call is a child of its span");
    assertEquals(inner.getSpanId(), innerHandler.getParentSpanId());
    assertEquals("grpc", handler.getAttributes().get(AttributeKey.stringKey("rpc.system")));
    assertEquals("otel.Test", handler.getAttributes().get(AttributeKey.stringKey("rpc.service")));
    assertEquals("Nested", handler.getAttributes().get(AttributeKey.stringKey("rpc.method")));
    assertEquals("otel.Test/Nested", handler.getName());
  }

  @Test
  void targetsOutsideTheFilterAreRecordedAsOther() throws Exception {
    RpcTelemetry filtered = RpcTelemetry.newBuilder(otel).targetAttributeFilter(t -> t.startsWith("dns:///prod"))
        .build();
    Server server = Server.newBuilder().listen("127.0.0.1:0").addService(service()).build().start();
    open.add(server::shutdownNow);
    Channel channel = Channel.newBuilder("127.0.0.1:" + server.port()).intercept(filtered.clientInterceptor()).build();
    open.add(channel);
    channel.call(UNARY, "x");
    assertEquals(1, histogram("grpc.client.call.duration", client(UNARY, "other", "OK")).getCount());
  }

  @Test
  void methodsOutsideTheFilterAreRecordedAsOtherOnBothSides() throws Exception {
    RpcTelemetry filtered = RpcTelemetry.newBuilder(otel).methodAttributeFilter(m -> !m.endsWith("/Unary")).build();
    Server server = Server.newBuilder().listen("127.0.0.1:0").tracer(filtered.serverTracer()).addService(service())
        .build().start();
    open.add(server::shutdownNow);
    Channel channel = Channel.newBuilder("127.0.0.1:" + server.port()).intercept(filtered.clientInterceptor()).build();
    open.add(channel);
    channel.call(UNARY, "x");
    String target = targetOf(channel);
    assertEquals(1, histogram("grpc.client.call.duration", Attributes.of(METHOD, "other", TARGET, target, STATUS, "OK"))
        .getCount());
    Waits.until("the server recorded the call as other", () -> metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("grpc.server.call.duration"))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .anyMatch(p -> p.getAttributes().equals(Attributes.of(METHOD, "other", STATUS, "OK"))), WAIT);
    assertEquals(UNARY.fullName(), span(UNARY, SpanKind.CLIENT).getName(), "spans keep the name");
  }

  @Test
  void messageEventsAreOptIn() throws Exception {
    RpcTelemetry withEvents = RpcTelemetry.newBuilder(otel).messageEvents(true).build();
    Server server = Server.newBuilder().listen("127.0.0.1:0").tracer(withEvents.serverTracer()).addService(service())
        .build().start();
    open.add(server::shutdownNow);
    Channel channel = Channel.newBuilder("127.0.0.1:" + server.port()).intercept(withEvents.clientInterceptor())
        .build();
    open.add(channel);
    channel.call(UNARY, "abc");
    SpanData client = span(UNARY, SpanKind.CLIENT);
    assertEquals(List.of("message", "message"), client.getEvents().stream().map(e -> e.getName()).toList());
    assertEquals("SENT", client.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("message.type")));
    assertEquals(3L, client.getEvents().get(0).getAttributes().get(AttributeKey.longKey("message.compressed_size")));
    SpanData handler = Waits.until("the server span", () -> findSpan(UNARY, SpanKind.SERVER), s -> s != null, WAIT);
    assertEquals("RECEIVED", handler.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("message.type")));
  }

  /** A grpc-java client starts the trace (a raw W3C traceparent); our server continues it into a nested call. */
  @Test
  void aTraceFromAGrpcJavaClientContinuesThroughTheServerIntoANestedCall() throws Exception {
    Channel ours = start("jetty");
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentSpanId = "00f067aa0ba902b7";
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(io.grpc.Metadata.Key.of("traceparent", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        "00-" + traceId + "-" + parentSpanId + "-01");
    io.grpc.MethodDescriptor.Marshaller<String> utf8 = new io.grpc.MethodDescriptor.Marshaller<>() {
      @Override
      public java.io.InputStream stream(String value) {
        return new java.io.ByteArrayInputStream(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public String parse(java.io.InputStream stream) {
        try {
          return new String(stream.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    io.grpc.MethodDescriptor<String, String> nested = io.grpc.MethodDescriptor.<String, String>newBuilder()
        .setType(io.grpc.MethodDescriptor.MethodType.UNARY).setFullMethodName(NESTED.fullName())
        .setRequestMarshaller(utf8).setResponseMarshaller(utf8).build();
    int port = Integer.parseInt(ours.target().substring(ours.target().lastIndexOf(':') + 1));
    io.grpc.ManagedChannel grpcJava = io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", port,
        io.grpc.InsecureChannelCredentials.create()).build();
    try {
      io.grpc.Channel withTrace = io.grpc.ClientInterceptors.intercept(grpcJava,
          io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
      assertEquals("nested:HI", io.grpc.stub.ClientCalls.blockingUnaryCall(withTrace, nested,
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS), "hi"));
    } finally {
      grpcJava.shutdownNow();
    }
    SpanData handler = span(NESTED, SpanKind.SERVER);
    assertEquals(traceId, handler.getTraceId(), "the server joined the grpc-java client's trace");
    assertEquals(parentSpanId, handler.getParentSpanId());
    assertTrue(handler.getParentSpanContext().isRemote());
    SpanData inner = span(UNARY, SpanKind.CLIENT);
    SpanData innerHandler = span(UNARY, SpanKind.SERVER);
    assertEquals(handler.getSpanId(), inner.getParentSpanId(), "the handler's own call is its child");
    assertEquals(inner.getSpanId(), innerHandler.getParentSpanId());
    assertEquals(traceId, innerHandler.getTraceId());
  }

  /** An SDK built without propagators still carries the trace: W3C trace context by default. */
  @Test
  void withoutAConfiguredPropagatorTheTraceTravelsAsW3cTraceContext() throws Exception {
    OpenTelemetrySdk bare = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    RpcTelemetry plain = RpcTelemetry.create(bare);
    Server server = Server.newBuilder().listen("127.0.0.1:0").tracer(plain.serverTracer()).addService(service())
        .build().start();
    open.add(server::shutdownNow);
    open.add(bare);
    Channel channel = Channel.newBuilder("127.0.0.1:" + server.port()).intercept(plain.clientInterceptor()).build();
    open.add(channel);
    channel.call(UNARY, "x");
    SpanData client = span(UNARY, SpanKind.CLIENT);
    SpanData handler = span(UNARY, SpanKind.SERVER);
    assertEquals(client.getTraceId(), handler.getTraceId());
    assertEquals(client.getSpanId(), handler.getParentSpanId());
  }

  SpanData span(MethodDescriptor<?, ?> method, SpanKind kind) throws InterruptedException {
    SpanData s = Waits.until(kind + " span of " + method.fullName(), () -> findSpan(method, kind), x -> x != null, WAIT);
    assertNotNull(s);
    return s;
  }

  SpanData findSpan(MethodDescriptor<?, ?> method, SpanKind kind) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(method.fullName()) && s.getKind() == kind).findFirst().orElse(null);
  }
}
