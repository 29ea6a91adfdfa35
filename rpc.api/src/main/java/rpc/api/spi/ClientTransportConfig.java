package rpc.api.spi;

import java.net.SocketAddress;
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
 * @param address the one address to connect to, resolved by the channel's {@link NameResolver}
 *     (an {@link java.net.InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}); null
 *     when the transport reaches {@code target} by itself. The target still gives the
 *     {@code :authority} of calls and, with its scheme, whether to use TLS.
 */
public record ClientTransportConfig(Target target, int maxInboundMessageSize, SSLContext sslContext, String userAgent,
    Duration idleTimeout, Duration keepAliveTime, Map<String, String> options, SocketAddress address) {

  /** Checks for nulls and copies the options. */
  public ClientTransportConfig {
    Objects.requireNonNull(target, "target");
    options = Map.copyOf(options);
  }

  /**
   * Settings for a transport that reaches {@code target} by itself (no resolved address).
   *
   * @param target the parsed target
   * @param maxInboundMessageSize the largest response message accepted, in bytes
   * @param sslContext TLS settings, or null for the JDK default
   * @param userAgent a prefix for the {@code user-agent} header, or null
   * @param idleTimeout the idle timeout, or null for the transport default
   * @param keepAliveTime the keepalive time, or null for none
   * @param options transport-specific settings by name
   */
  public ClientTransportConfig(Target target, int maxInboundMessageSize, SSLContext sslContext, String userAgent,
      Duration idleTimeout, Duration keepAliveTime, Map<String, String> options) {
    this(target, maxInboundMessageSize, sslContext, userAgent, idleTimeout, keepAliveTime, options, null);
  }

  /**
   * A copy for one resolved address (a subchannel's transport).
   *
   * @param address the address to connect to
   * @return the copy
   */
  public ClientTransportConfig withAddress(SocketAddress address) {
    return new ClientTransportConfig(target, maxInboundMessageSize, sslContext, userAgent, idleTimeout, keepAliveTime,
        options, address);
  }
}
