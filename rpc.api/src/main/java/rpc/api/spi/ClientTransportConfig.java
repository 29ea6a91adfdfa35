package rpc.api.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Settings a {@link TransportProvider} gets for a channel's client transport.
 * Immutable.
 *
 * @param target the parsed target
 * @param maxInboundMessageSize the largest response message accepted, in bytes
 * @param sslContext TLS settings for {@code https} targets, or null for the JDK default
 * @param userAgent a prefix for the {@code user-agent} header, or null
 * @param idleTimeout close the connection after this long without calls; null for the transport default
 * @param keepAliveTime ping after this long without frames; null for none
 * @param options transport-specific settings by name (documented by each transport)
 */
public record ClientTransportConfig(Target target, int maxInboundMessageSize, SSLContext sslContext, String userAgent,
    Duration idleTimeout, Duration keepAliveTime, Map<String, String> options) {

  /** Checks for nulls and copies the options. */
  public ClientTransportConfig {
    Objects.requireNonNull(target, "target");
    options = Map.copyOf(options);
  }
}
