package rpc.testkit;

import org.junit.jupiter.api.Nested;
import rpc.api.Channel;
import rpc.api.Server;

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
 * {@link #configureServer} and {@link #configureChannel}.
 *
 * <p>{@link #listenAddress()} must return a fresh address each time: every test starts its own
 * servers.
 */
public abstract class TransportConformanceTest {

  /** For subclasses. */
  protected TransportConformanceTest() {}

  /**
   * A fresh address for a new server, such as {@code "inprocess:" + uniqueName} or
   * {@code "127.0.0.1:0"}; called once per server.
   */
  protected abstract String listenAddress();

  /** The target a channel uses to reach {@code server} (started), such as {@code "127.0.0.1:" + server.port()}. */
  protected abstract String targetFor(Server server);

  /** Adjusts every server builder (TLS settings, transport options). Defaults to no change. */
  protected Server.Builder configureServer(Server.Builder builder) {
    return builder;
  }

  /** Adjusts every channel builder (TLS settings, transport options). Defaults to no change. */
  protected Channel.Builder configureChannel(Channel.Builder builder) {
    return builder;
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

  /** Graceful and immediate shutdown of servers and channels. */
  @Nested
  class Lifecycle extends LifecycleConformance {
    Lifecycle() {
      super(TransportConformanceTest.this);
    }
  }
}
