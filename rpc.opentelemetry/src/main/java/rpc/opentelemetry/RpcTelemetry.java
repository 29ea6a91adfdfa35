package rpc.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import java.util.function.Predicate;
import rpc.api.CallTracer;
import rpc.api.ClientInterceptor;
import rpc.opentelemetry.internal.ClientTelemetry;
import rpc.opentelemetry.internal.Instruments;
import rpc.opentelemetry.internal.ServerTelemetry;

/**
 * OpenTelemetry for rpc channels and servers. Thread-safe: one instance may serve any number of
 * channels and servers. It records gRPC's standard metrics, with the instrument names, units,
 * bucket boundaries and attributes of gRFC A66 (what grpc-java's and grpc-go's OpenTelemetry
 * plugins emit, so their dashboards work unchanged), and starts a span per call on each side, the
 * trace context carried in the call's metadata by the {@link OpenTelemetry}'s configured
 * propagator (W3C {@code traceparent} when it has none; see {@link Builder#propagator}).
 *
 * {@snippet :
 * RpcTelemetry telemetry = RpcTelemetry.create(openTelemetry);
 * Channel channel = Channel.newBuilder(target).intercept(telemetry.clientInterceptor()).build();
 * Server server = Server.newBuilder().listen(address).tracer(telemetry.serverTracer())
 *     .addService(service).build().start();
 * }
 *
 * <p>Client instruments: {@code grpc.client.attempt.started}, {@code grpc.client.attempt.duration},
 * {@code grpc.client.attempt.sent_total_compressed_message_size},
 * {@code grpc.client.attempt.rcvd_total_compressed_message_size}, {@code grpc.client.call.duration}
 * (attributes {@code grpc.method}, {@code grpc.target}, and {@code grpc.status} once known). The
 * client interceptor sees the call, not its attempts: a call that a service config's retry or
 * hedging policy sends several times counts as one attempt here, with the sizes of every attempt
 * added up (grpc-java records each attempt). Server instruments: {@code grpc.server.call.started},
 * {@code grpc.server.call.duration}, {@code grpc.server.call.sent_total_compressed_message_size},
 * {@code grpc.server.call.rcvd_total_compressed_message_size} (attributes {@code grpc.method}, and
 * {@code grpc.status} once known). Message sizes are as on the wire, after compression; in process
 * nothing is compressed and they are the encoded sizes.
 *
 * <p>Spans are named after the method ({@code package.Service/Method}), of kind CLIENT and SERVER,
 * with the RPC semantic-convention attributes {@code rpc.system} ({@code grpc}), {@code rpc.service},
 * {@code rpc.method} and {@code rpc.grpc.status_code}. A client span's parent is the context current
 * on the thread that starts the call; the server span is current on the handler's thread (so the
 * calls a handler makes continue its trace) and in the server interceptors.
 */
public final class RpcTelemetry {
  private final ClientTelemetry client;
  private final ServerTelemetry server;

  private RpcTelemetry(Builder b) {
    Instruments instruments = new Instruments(b.openTelemetry, b.propagator);
    this.client = new ClientTelemetry(instruments, b.targetFilter, b.methodFilter, b.messageEvents);
    this.server = new ServerTelemetry(instruments, b.methodFilter, b.messageEvents);
  }

  /**
   * Metrics and tracing through {@code openTelemetry}, with the defaults of {@link Builder}.
   *
   * @param openTelemetry where metrics, spans and the propagator come from
   * @return the telemetry
   */
  public static RpcTelemetry create(OpenTelemetry openTelemetry) {
    return newBuilder(openTelemetry).build();
  }

  /**
   * A builder over {@code openTelemetry}.
   *
   * @param openTelemetry where metrics, spans and the propagator come from
   * @return the builder
   */
  public static Builder newBuilder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * The interceptor that measures and traces every call of a channel; add it first, so it measures
   * what the caller sees ({@code Channel.Builder.intercept}).
   *
   * @return the client interceptor
   */
  public ClientInterceptor clientInterceptor() {
    return client;
  }

  /**
   * The tracer factory that measures and traces every call a server accepts
   * ({@code Server.Builder.tracer}).
   *
   * @return the server's tracer factory
   */
  public CallTracer.Factory serverTracer() {
    return server;
  }

  /** Configures {@link RpcTelemetry}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private Predicate<String> targetFilter = t -> true;
    private Predicate<String> methodFilter = m -> true;
    private boolean messageEvents;
    private TextMapPropagator propagator;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * Which channel targets are recorded as they are in {@code grpc.target}; the others as
     * {@code "other"} (gRFC A66's guard against unbounded cardinality, for channels made to
     * arbitrary targets). Targets are recorded as URIs: {@code 127.0.0.1:50051} as
     * {@code dns:///127.0.0.1:50051}. Default: every target.
     *
     * @param filter true for a target to record as it is
     * @return this builder
     */
    public Builder targetAttributeFilter(Predicate<String> filter) {
      this.targetFilter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * Which methods are recorded by name in {@code grpc.method}; the others as {@code "other"}
     * (gRFC A66's rule for methods a generic caller or handler names at run time, which would
     * otherwise grow the metrics without bound — a proxy forwarding whatever it is sent, say).
     * Spans keep the real name. Default: every method, as every rpc call and service uses a
     * {@code MethodDescriptor} defined in code; a server never records methods it does not have.
     *
     * @param filter true for a full method name ({@code package.Service/Method}) to record as it is
     * @return this builder
     */
    public Builder methodAttributeFilter(Predicate<String> filter) {
      this.methodFilter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * Whether spans get an event per message ({@code message} with {@code message.type} SENT or
     * RECEIVED, {@code message.id}, {@code message.compressed_size},
     * {@code message.uncompressed_size}). Default: false.
     *
     * @param enabled whether to record message events
     * @return this builder
     */
    public Builder messageEvents(boolean enabled) {
      this.messageEvents = enabled;
      return this;
    }

    /**
     * The propagator that carries the trace context in the call's metadata. Default: the one the
     * {@code OpenTelemetry} is configured with or, if it has none (an SDK built without
     * {@code setPropagators} propagates nothing), W3C trace context ({@code traceparent},
     * {@code tracestate}).
     *
     * @param propagator the propagator
     * @return this builder
     */
    public Builder propagator(TextMapPropagator propagator) {
      this.propagator = Objects.requireNonNull(propagator, "propagator");
      return this;
    }

    /**
     * Builds the telemetry.
     *
     * @return the new telemetry
     */
    public RpcTelemetry build() {
      return new RpcTelemetry(this);
    }
  }
}
