package rpc.testkit.http2;

import org.junit.jupiter.api.Nested;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.testkit.TransportConformanceTest;

/**
 * The HTTP/2 wire conformance suite every gRPC-over-HTTP/2 transport runs. Not thread-safe: JUnit
 * makes an instance per test and calls the hooks from the test's thread.
 *
 * <p>Where {@link TransportConformanceTest} checks what the API promises, this suite checks what
 * goes over the wire, against raw Jetty HTTP/2 peers: a server must answer requests that break the
 * protocol, a channel must map whatever a proxy or a broken server sends to the status gRPC asks
 * for, and both must keep limits and frame order. A transport subclasses it once:
 *
 * <pre>{@code
 * class JettyHttp2WireTest extends Http2WireConformanceTest {
 *   protected Server.Builder configureServer(Server.Builder b) { return b.transport("jetty"); }
 *   protected Channel.Builder configureChannel(Channel.Builder b) { return b.transport("jetty"); }
 * }
 * }</pre>
 *
 * <p>Servers listen on {@code 127.0.0.1:0} and channels target {@code 127.0.0.1:PORT} in plaintext
 * (prior-knowledge h2c), which is what the raw peers speak.
 */
public abstract class Http2WireConformanceTest {

  /**
   * The testkit's base class takes its hooks from a {@link TransportConformanceTest}; this one
   * forwards them here, so the groups below share its server and channel bookkeeping.
   */
  private final TransportConformanceTest transport = new TransportConformanceTest() {
    @Override
    protected String listenAddress() {
      return "127.0.0.1:0";
    }

    @Override
    protected String targetFor(Server server) {
      return "127.0.0.1:" + server.port();
    }

    @Override
    protected Server.Builder configureServer(Server.Builder builder) {
      return Http2WireConformanceTest.this.configureServer(builder);
    }

    @Override
    protected Channel.Builder configureChannel(Channel.Builder builder) {
      return Http2WireConformanceTest.this.configureChannel(builder);
    }
  };

  /** For subclasses. */
  protected Http2WireConformanceTest() {}

  /**
   * Adjusts every server builder (the transport, its options). Defaults to no change.
   *
   * @param builder a builder with the suite's settings
   * @return the builder to use
   */
  protected Server.Builder configureServer(Server.Builder builder) {
    return builder;
  }

  /**
   * Adjusts every channel builder (the transport, its options). Defaults to no change.
   *
   * @param builder a builder with the suite's settings
   * @return the builder to use
   */
  protected Channel.Builder configureChannel(Channel.Builder builder) {
    return builder;
  }

  /**
   * The header list size (HTTP/2 {@code SETTINGS_MAX_HEADER_LIST_SIZE}, in bytes) that servers and
   * channels made through the hooks advertise. Defaults to 16 KiB.
   *
   * @return the header list size, in bytes
   */
  protected int maxHeaderListSize() {
    return 16 * 1024;
  }

  TransportConformanceTest transport() {
    return transport;
  }

  /** Raw frames that break the protocol: each gets a clear answer and nothing is left behind. */
  @Nested
  class BadInput extends BadInputConformance {
    BadInput() {
      super(Http2WireConformanceTest.this);
    }
  }

  /**
   * Our channel against scripted servers that answer as proxies and broken servers do; idle
   * connections and keepalive PINGs as the server sees them.
   */
  @Nested
  class FakeServers extends FakeServerConformance {
    FakeServers() {
      super(Http2WireConformanceTest.this);
    }
  }

  /** Metadata beyond the peer's header list limit fails only its own call. */
  @Nested
  class HeaderLimits extends HeaderLimitConformance {
    HeaderLimits() {
      super(Http2WireConformanceTest.this);
    }
  }

  /** Responses beyond one 16 KiB DATA frame keep their trailers after all their data. */
  @Nested
  class LargeResponses extends LargeResponseConformance {
    LargeResponses() {
      super(Http2WireConformanceTest.this);
    }
  }

  /** gzip both ways, its negotiation, and limits on the decompressed size. */
  @Nested
  class Compression extends CompressionConformance {
    Compression() {
      super(Http2WireConformanceTest.this);
    }
  }
}
