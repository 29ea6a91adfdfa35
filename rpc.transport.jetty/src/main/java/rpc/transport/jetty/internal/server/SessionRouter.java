package rpc.transport.jetty.internal.server;

import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.Callback;
import rpc.api.wire.GrpcHeaders;

/**
 * One HTTP/2 connection's session listener, shared by two users: gRPC streams (content type
 * {@code application/grpc…}) go to {@link ServerSessionHandler} on Jetty's low-level API, as fast
 * as before; every other stream (gRPC-Web, Connect, CORS preflights) goes to Jetty's own HTTP
 * handling and so to the server's {@link org.eclipse.jetty.server.Handler}, exactly as an HTTP/1.1
 * request does. Connection events reach both.
 *
 * <p>Thread-safe (holds only the two listeners).
 */
final class SessionRouter implements ServerSessionListener {
  private final ServerSessionListener http;
  private final ServerSessionHandler grpc;

  SessionRouter(ServerSessionListener http, ServerSessionHandler grpc) {
    this.http = http;
    this.grpc = grpc;
  }

  /** h2c, both by prior knowledge (what gRPC clients send) and by HTTP/1.1 upgrade. */
  static final class Cleartext extends HTTP2CServerConnectionFactory {
    private final ServerSessionHandler grpc;

    Cleartext(HttpConfiguration config, ServerSessionHandler grpc) {
      super(config);
      this.grpc = grpc;
    }

    @Override
    protected ServerSessionListener newSessionListener(Connector connector, EndPoint endPoint) {
      return new SessionRouter(super.newSessionListener(connector, endPoint), grpc);
    }
  }

  /** h2 negotiated by ALPN over TLS. */
  static final class Tls extends HTTP2ServerConnectionFactory {
    private final ServerSessionHandler grpc;

    Tls(HttpConfiguration config, ServerSessionHandler grpc) {
      super(config);
      this.grpc = grpc;
    }

    @Override
    protected ServerSessionListener newSessionListener(Connector connector, EndPoint endPoint) {
      return new SessionRouter(super.newSessionListener(connector, endPoint), grpc);
    }
  }

  @Override
  public void onAccept(Session session) {
    grpc.onAccept(session);
    http.onAccept(session);
  }

  @Override
  public Map<Integer, Integer> onPreface(Session session) {
    return http.onPreface(session);
  }

  @Override
  public Stream.Listener onNewStream(Stream stream, HeadersFrame frame) {
    MetaData meta = frame.getMetaData();
    String contentType = meta == null ? null : meta.getHttpFields().get(HttpHeader.CONTENT_TYPE);
    return GrpcHeaders.isGrpcContentType(contentType) ? grpc.onNewStream(stream, frame)
        : http.onNewStream(stream, frame);
  }

  @Override
  public void onSettings(Session session, SettingsFrame frame) {
    http.onSettings(session, frame);
  }

  @Override
  public void onPing(Session session, PingFrame frame) {
    grpc.onPing(session, frame);
  }

  @Override
  public void onGoAway(Session session, GoAwayFrame frame) {
    http.onGoAway(session, frame);
  }

  @Override
  public void onClose(Session session, GoAwayFrame frame, Callback callback) {
    grpc.onClose(session, frame, Callback.NOOP);
    http.onClose(session, frame, callback);
  }

  @Override
  public void onFailure(Session session, Throwable failure, Callback callback) {
    grpc.onFailure(session, failure, Callback.NOOP);
    http.onFailure(session, failure, callback);
  }

  /** Only a connection without streams closes when idle, whichever kind its streams are. */
  @Override
  public boolean onIdleTimeout(Session session) {
    return grpc.onIdleTimeout(session);
  }
}
