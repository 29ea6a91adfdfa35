package rpc.api.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Settings a {@link TransportProvider} gets for a server transport.
 * Immutable.
 *
 * @param address where to listen ({@code 127.0.0.1:0} binds an ephemeral port)
 * @param maxInboundMessageSize the largest request message accepted, in bytes
 * @param sslContext TLS settings (serve TLS with ALPN h2), or null for plaintext
 * @param requireClientAuth whether TLS clients must present a trusted certificate
 * @param maxConcurrentStreams the most calls one connection may have open at once
 * @param idleTimeout close connections idle this long; null for the transport default
 * @param options transport-specific settings by name (documented by each transport)
 * @param cors which browser pages on other origins may call (HTTP transports), or null for none
 */
public record ServerTransportConfig(Target address, int maxInboundMessageSize, SSLContext sslContext,
    boolean requireClientAuth, int maxConcurrentStreams, Duration idleTimeout, Map<String, String> options, rpc.api.Cors cors) {

  /** Checks for nulls and copies the options. */
  public ServerTransportConfig {
    Objects.requireNonNull(address, "address");
    options = Map.copyOf(options);
  }

  /**
   * Settings without CORS.
   *
   * @param address where to listen
   * @param maxInboundMessageSize the largest request message accepted, in bytes
   * @param sslContext TLS settings, or null for plaintext
   * @param requireClientAuth whether TLS clients must present a trusted certificate
   * @param maxConcurrentStreams the most calls one connection may have open at once
   * @param idleTimeout close connections idle this long; null for the transport default
   * @param options transport-specific settings by name
   */
  public ServerTransportConfig(Target address, int maxInboundMessageSize, SSLContext sslContext,
      boolean requireClientAuth, int maxConcurrentStreams, Duration idleTimeout, Map<String, String> options) {
    this(address, maxInboundMessageSize, sslContext, requireClientAuth, maxConcurrentStreams, idleTimeout, options,
        null);
  }
}
