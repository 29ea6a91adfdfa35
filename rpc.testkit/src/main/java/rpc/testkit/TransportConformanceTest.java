package rpc.testkit;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.Target;
import rpc.api.spi.TransportProvider;

/**
 * The conformance suite every transport runs. Not thread-safe: JUnit makes an instance per test
 * and calls the hooks from the test's thread.
 *
 * <p>A transport subclasses this class once and says where servers listen and how a channel
 * reaches them; every test group below then runs against it as a JUnit {@link Nested} class:
 *
 * <pre>{@code
 * class InProcessConformanceTest extends TransportConformanceTest {
 *   protected String listenAddress() { return "inprocess:" + UUID.randomUUID(); }
 *   protected String targetFor(Server server) { return server.address(); }
 * }
 * }</pre>
 *
 * <p>A variant of a transport (TLS, say) subclasses again and overrides
 * {@link #configureServer} and {@link #configureChannel}, and for the transport-level group
 * {@link #serverTransportConfig} and {@link #clientTransportConfig}.
 *
 * <p>{@link #listenAddress()} must return a fresh address each time: every test starts its own
 * servers.
 *
 * <p>The {@link TransportSpi} group drives the transport's {@link TransportProvider} directly, with
 * no channel or server in between. Its hooks have defaults that need no change for a plaintext
 * transport: the provider a channel would pick for {@link #listenAddress()}'s scheme, a server
 * config for a fresh {@link #listenAddress()}, and a client config that targets the started
 * server's {@link ServerTransport#localAddress()}.
 */
public abstract class TransportConformanceTest {
  /** The largest message either side accepts in the transport-level group: the library's default. */
  private static final int MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;
  /** The library's default limit of calls on one connection. */
  private static final int MAX_CONCURRENT_STREAMS = 1000;

  /** For subclasses. */
  protected TransportConformanceTest() {}

  /**
   * A fresh address for a new server, such as {@code "inprocess:" + uniqueName} or
   * {@code "127.0.0.1:0"}; called once per server.
   *
   * @return the address
   */
  protected abstract String listenAddress();

  /**
   * The target a channel uses to reach {@code server} (started), such as {@code "127.0.0.1:" + server.port()}.
   *
   * @param server a started server
   * @return the target
   */
  protected abstract String targetFor(Server server);

  /**
   * Adjusts every server builder (TLS settings, transport options). Defaults to no change.
   *
   * @param builder a builder with the suite's settings
   * @return the builder to use
   */
  protected Server.Builder configureServer(Server.Builder builder) {
    return builder;
  }

  /**
   * Adjusts every channel builder (TLS settings, transport options). Defaults to no change.
   *
   * @param builder a builder with the suite's settings
   * @return the builder to use
   */
  protected Channel.Builder configureChannel(Channel.Builder builder) {
    return builder;
  }

  /**
   * The name of the transport under test ({@link TransportProvider#name()}), or null (the default)
   * to pick the provider as a channel would for {@link #listenAddress()}'s scheme: the available one
   * with the highest priority. Name it when several providers serve that scheme.
   *
   * @return the transport's name, or null
   */
  protected String transportName() {
    return null;
  }

  /**
   * The provider the transport-level group creates transports with; by default found with
   * {@link ServiceLoader} by {@link #transportName()} or by scheme.
   *
   * @return the provider
   * @throws IllegalStateException naming what was looked for and the providers found, if none fits
   */
  protected TransportProvider transportProvider() {
    String name = transportName();
    String scheme = Target.parse(listenAddress()).scheme();
    // The test class's loader sees the transport under test, on the class path or the module path.
    List<TransportProvider> found = ServiceLoader.load(TransportProvider.class, getClass().getClassLoader()).stream()
        .map(ServiceLoader.Provider::get).toList();
    return found.stream()
        .filter(p -> name != null ? p.name().equals(name) : p.schemes().contains(scheme))
        .filter(TransportProvider::isAvailable)
        .max(Comparator.comparingInt(TransportProvider::priority))
        .orElseThrow(() -> new IllegalStateException("no available transport provider "
            + (name != null ? "named '" + name + "'" : "serving scheme '" + scheme + "'") + "; found: "
            + (found.isEmpty() ? "none" : found.stream().map(p -> p.name() + " " + p.schemes())
                .collect(Collectors.joining(", ")))));
  }

  /**
   * The settings of a new server transport, at a fresh {@link #listenAddress()}; by default
   * plaintext, with the library's defaults (4 MiB messages, 1000 streams per connection).
   *
   * @return the settings
   */
  protected ServerTransportConfig serverTransportConfig() {
    return new ServerTransportConfig(Target.parse(listenAddress()), MAX_INBOUND_MESSAGE_SIZE, null, false,
        MAX_CONCURRENT_STREAMS, null, Map.of());
  }

  /**
   * The settings of a client transport that reaches {@code server} (started); by default
   * plaintext, targeting its {@link ServerTransport#localAddress()}, with 4 MiB messages.
   *
   * @param server a started server transport
   * @return the settings
   */
  protected ClientTransportConfig clientTransportConfig(ServerTransport server) {
    return new ClientTransportConfig(Target.parse(server.localAddress()), MAX_INBOUND_MESSAGE_SIZE, null, null, null,
        null, Map.of());
  }

  /** The four call kinds, several services, unknown methods, copies of mutable messages. */
  @Nested
  class CallKinds extends CallKindsConformance {
    CallKinds() {
      super(TransportConformanceTest.this);
    }
  }

  /** Many threads on one channel; one sender and one receiver per stream; misuse detected. */
  @Nested
  class Concurrency extends ConcurrencyConformance {
    Concurrency() {
      super(TransportConformanceTest.this);
    }
  }

  /** Deadlines and cancellation, both ways. */
  @Nested
  class DeadlinesAndCancellation extends DeadlineCancellationConformance {
    DeadlinesAndCancellation() {
      super(TransportConformanceTest.this);
    }
  }

  /** Metadata, every status code, handler exceptions, interceptors. */
  @Nested
  class MetadataAndStatus extends MetadataStatusConformance {
    MetadataAndStatus() {
      super(TransportConformanceTest.this);
    }
  }

  /** Large messages, size limits, back-pressure with bounded memory. */
  @Nested
  class FlowControl extends FlowControlConformance {
    FlowControl() {
      super(TransportConformanceTest.this);
    }
  }

  /** Where asynchronous completions run: never on a transport thread. */
  @Nested
  class Completions extends CompletionsConformance {
    Completions() {
      super(TransportConformanceTest.this);
    }
  }

  /** Every thread waiting on a stream wakes when its call ends. */
  @Nested
  class Waiters extends WaitersConformance {
    Waiters() {
      super(TransportConformanceTest.this);
    }
  }

  /** Responses read as a {@code java.util.stream.Stream}: order, end, errors; closing it cancels. */
  @Nested
  class Responses extends ResponsesConformance {
    Responses() {
      super(TransportConformanceTest.this);
    }
  }

  /** Compression per message: the compressed flag reaches each end; switching it per message. */
  @Nested
  class Compression extends PerMessageCompressionConformance {
    Compression() {
      super(TransportConformanceTest.this);
    }
  }

  /** Client interceptors: order, replaced messages and statuses, cancellation, failures. */
  @Nested
  class Interceptors extends InterceptorConformance {
    Interceptors() {
      super(TransportConformanceTest.this);
    }
  }

  /** Call tracers: wire facts, the same on both ends and over every transport. */
  @Nested
  class Tracers extends TracerConformance {
    Tracers() {
      super(TransportConformanceTest.this);
    }
  }

  /** Calls a handler makes inherit its deadline and cancellation. */
  @Nested
  class HandlerContext extends HandlerContextConformance {
    HandlerContext() {
      super(TransportConformanceTest.this);
    }
  }

  /** Graceful and immediate shutdown of servers and channels. */
  @Nested
  class Lifecycle extends LifecycleConformance {
    Lifecycle() {
      super(TransportConformanceTest.this);
    }
  }

  /**
   * The transport SPI driven directly, with no channel or server: the promises of
   * {@link rpc.api.spi.ClientCall} and {@link rpc.api.spi.ServerCall} about threads, flow control
   * and terminal events, checked by recording listeners.
   */
  @Nested
  class TransportSpi {

    /** Exactly one end per call, whatever ends it; nothing after it. */
    @Nested
    class Ends extends SpiEndConformance {
      Ends() {
        super(TransportConformanceTest.this);
      }
    }

    /** Graceful and immediate shutdown of client and server transports; unstarted calls. */
    @Nested
    class Shutdown extends SpiLifecycleConformance {
      Shutdown() {
        super(TransportConformanceTest.this);
      }
    }

    /** Delivery exactly as requested; isReady/onReady stop and resume a sender. */
    @Nested
    class Demand extends SpiFlowControlConformance {
      Demand() {
        super(TransportConformanceTest.this);
      }
    }

    /** Serialized, never nested callbacks, under stress and in races with the end. */
    @Nested
    class Callbacks extends SpiCallbackConformance {
      Callbacks() {
        super(TransportConformanceTest.this);
      }
    }
  }
}
