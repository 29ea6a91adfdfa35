package rpc.transport.connect;

import java.util.Set;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.TransportProvider;
import rpc.transport.connect.internal.ConnectClientTransport;

/**
 * The Connect protocol client transport: serves {@code connect+http://host:port} (HTTP/1.1) and
 * {@code connect+https://host:port} (HTTP/2 over TLS, negotiated with ALPN) targets, on the JDK's
 * {@link java.net.http.HttpClient}.
 * Thread-safe. Found through {@link java.util.ServiceLoader}; applications do not use this class
 * directly: {@code Channel.open("connect+http://127.0.0.1:8080")} picks it by the target's scheme, and
 * {@code Channel.Builder.transport("connect")} picks it for a plain {@code host:port} target
 * (TLS then when the channel has an {@code sslContext}).
 *
 * <p>Unary methods use Connect's unary form ({@code application/proto}, or {@code application/json}
 * when the method's codecs are JSON: {@link rpc.api.Codec#format()}); streaming methods use the
 * streaming form ({@code application/connect+proto|json}). Errors keep their code, message and
 * details: details come back in the {@code grpc-status-details-bin} trailer, as over gRPC.
 *
 * <p>The JDK's client hands over a response only once the whole request body is sent, over HTTP/1.1
 * and HTTP/2 alike. So unary, client-streaming and server-streaming calls behave as over gRPC, and a
 * bidirectional call is half-duplex: the server receives each message as it is sent, but the client
 * sees the response (headers, messages, status) only after it half-closes, or once the server ends
 * the call over HTTP/2. A client that waits for a response before half-closing waits until its
 * deadline. See the module's README.
 *
 * <p>There is no server side: to serve the Connect protocol, use {@code rpc.transport.jetty}'s
 * server, which answers Connect, gRPC-Web and gRPC on one port.
 */
public final class ConnectTransportProvider implements TransportProvider {

  /** The transport's name, {@value}. */
  public static final String NAME = "connect";

  /** The target scheme for plaintext HTTP/1.1, {@value}. */
  public static final String SCHEME_HTTP = "connect+http";

  /** The target scheme for HTTP/2 over TLS, {@value}. */
  public static final String SCHEME_HTTPS = "connect+https";

  /** Used by {@link java.util.ServiceLoader}. */
  public ConnectTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME_HTTP, SCHEME_HTTPS);
  }

  @Override
  public void checkClientConfig(ClientTransportConfig config) {
    ConnectClientTransport.check(config);
  }

  @Override
  public ClientTransport newClientTransport(ClientTransportConfig config) {
    return new ConnectClientTransport(config);
  }

  /**
   * Refuses: this transport has no server side.
   *
   * @param config the server's settings
   * @return never
   * @throws IllegalArgumentException always, naming the transport that serves the Connect protocol
   */
  @Override
  public ServerTransport newServerTransport(ServerTransportConfig config) {
    throw new IllegalArgumentException("the connect transport is a client only and cannot listen on "
        + config.address().text() + "; rpc.transport.jetty's server answers the Connect protocol on its gRPC port:"
        + " listen on host:port with it instead");
  }
}
