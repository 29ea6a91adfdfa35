package rpc.transport.jetty.internal.server;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.http2.frames.FrameType;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ServerCallAcceptor;
import rpc.api.wire.GrpcHeaders;
import rpc.api.wire.GrpcTimeout;
import rpc.api.wire.MessageCompression;
import rpc.transport.jetty.internal.stream.GrpcFields;
import rpc.transport.jetty.internal.stream.JettyGaps;
import rpc.transport.jetty.internal.stream.Peers;

/**
 * Receives the sessions and new streams of the server's connections: checks each request against
 * the gRPC protocol, answers the bad ones itself, and hands the good ones to the library as
 * {@link JettyServerCall}s. Runs on Jetty's threads and never blocks.
 *
 * <p>Thread-safe.
 */
final class ServerSessionHandler implements ServerSessionListener, HTTP2Session.FrameListener {
  private final JettyServerTransport transport;
  private final ServerCallAcceptor acceptor;
  private final int maxInboundMessageSize;

  ServerSessionHandler(JettyServerTransport transport, ServerCallAcceptor acceptor, int maxInboundMessageSize) {
    this.transport = transport;
    this.acceptor = acceptor;
    this.maxInboundMessageSize = maxInboundMessageSize;
  }

  @Override
  public void onAccept(Session session) {
    transport.sessionOpened(session);
  }

  @Override
  public void onClose(Session session, GoAwayFrame frame, Callback callback) {
    transport.sessionClosed(session, null);
    callback.succeeded();
  }

  @Override
  public void onFailure(Session session, Throwable failure, Callback callback) {
    transport.sessionClosed(session, failure);
    callback.succeeded();
  }

  @Override
  public boolean onIdleTimeout(Session session) {
    return session.getStreams().isEmpty(); // close only connections without calls
  }

  /** The answer to a PING the server sent (Jetty answers the client's own PINGs itself). */
  @Override
  public void onPing(Session session, PingFrame frame) {
    ServerConnection c = transport.connection(session);
    if (c != null) {
      c.onPingAnswered(frame.getPayloadAsLong());
    }
  }

  /**
   * Sees every frame before Jetty handles it. A client's PING is counted against the keepalive
   * policy here: Jetty answers it without telling the session listener.
   *
   * <p>A request Jetty cannot parse (a {@code :path} without its leading slash next to an
   * {@code :authority}) never reaches {@link #onNewStream}: Jetty fails the stream inside the session
   * and writes nothing, so the client would wait for ever. It is a malformed request (RFC 9113
   * section 8.1.1): answer with RST_STREAM(PROTOCOL_ERROR).
   */
  @Override
  public void onIncomingFrame(Session session, Frame frame) {
    if (frame instanceof PingFrame p && !p.isReply()) {
      ServerConnection c = transport.connection(session);
      if (c != null) {
        c.onPing();
      }
    } else if (frame instanceof HeadersFrame h && h.getMetaData() != null && h.getMetaData().isRequest()
        && MetaData.Failed.getFailure(h.getMetaData()) != null) {
      JettyServerTransport.LOG.log(System.Logger.Level.DEBUG, () -> "malformed request headers from "
          + session.getRemoteSocketAddress() + " on stream " + h.getStreamId() + ": reset with PROTOCOL_ERROR");
      JettyGaps.reset(session, h.getStreamId(), ErrorCode.PROTOCOL_ERROR);
    }
  }

  /** Response headers and data let the client answer with a PING: see {@link PingStrikes}. */
  @Override
  public void onOutgoingFrame(Session session, Frame frame) {
    FrameType type = frame.getType();
    if (type == FrameType.HEADERS || type == FrameType.DATA) {
      ServerConnection c = transport.connection(session);
      if (c != null) {
        c.onResponseFrame();
      }
    }
  }

  @Override
  public Stream.Listener onNewStream(Stream stream, HeadersFrame frame) {
    if (transport.isShuttingDown()) {
      stream.reset(new ResetFrame(stream.getId(), ErrorCode.REFUSED_STREAM_ERROR.code), Callback.NOOP);
      return null;
    }
    MetaData.Request request = (MetaData.Request) frame.getMetaData();
    HttpFields fields = request.getHttpFields();
    if (!"POST".equals(request.getMethod())) {
      return reject(stream, 405, Status.INTERNAL.withDescription("gRPC requires POST, not " + request.getMethod()), null);
    }
    String contentType = fields.get("content-type");
    if (!GrpcHeaders.isGrpcContentType(contentType)) {
      return reject(stream, 415, Status.INTERNAL.withDescription("unsupported content-type: " + contentType), null);
    }
    String path = request.getHttpURI().getPath();
    String name = path != null && path.startsWith("/") ? path.substring(1) : path;
    MethodDescriptor<?, ?> method = name == null || name.isEmpty() ? null : acceptor.lookup(name);
    if (method == null) {
      return reject(stream, 200, Status.UNIMPLEMENTED.withDescription("Method not found: " + name), null);
    }
    Deadline deadline = null;
    String timeout = fields.get(GrpcHeaders.GRPC_TIMEOUT);
    if (timeout != null) {
      try {
        deadline = Deadline.after(GrpcTimeout.parseNanos(timeout), TimeUnit.NANOSECONDS);
      } catch (IllegalArgumentException e) {
        // As grpc-go: a malformed timeout is a broken request, not an absent one.
        return reject(stream, 200, Status.INTERNAL.withDescription("malformed grpc-timeout: " + timeout), null);
      }
    }
    String encoding = fields.get(GrpcHeaders.GRPC_ENCODING);
    if (encoding != null && MessageCompression.IDENTITY.equalsIgnoreCase(encoding)) {
      encoding = null;
    }
    if (encoding != null && !MessageCompression.isSupported(encoding)) {
      return reject(stream, 200, Status.UNIMPLEMENTED.withDescription(
          "grpc-encoding " + encoding + " is not supported (supported: " + MessageCompression.ACCEPT_ENCODING + ")"),
          GrpcFields.ACCEPT_ENCODING);
    }
    return newCall(stream, request, method, deadline, encoding, fields);
  }

  private <Req, Resp> Stream.Listener newCall(Stream stream, MetaData.Request request, MethodDescriptor<Req, Resp> method,
      Deadline deadline, String encoding, HttpFields fields) {
    HttpURI uri = request.getHttpURI();
    String authority = uri.getHost() == null ? null : (uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost());
    JettyServerCall<Req, Resp> call = new JettyServerCall<>(transport, stream, method, deadline,
        peer(stream.getSession()), authority, fields.get(GrpcHeaders.GRPC_ACCEPT_ENCODING),
        encoding == null ? null : encoding.toLowerCase(java.util.Locale.ROOT), maxInboundMessageSize);
    transport.callStarted(call);
    // Jetty sets the listener only after this method returns; the call may read (and find the end
    // of a HEADERS-only request) before then, and Jetty would hand that to a discarding listener.
    JettyGaps.setListener(stream, call);
    call.accept(acceptor, GrpcFields.toMetadata(fields));
    return call;
  }

  private static String peer(Session session) {
    return Peers.describe(session.getRemoteSocketAddress(), session.getLocalSocketAddress());
  }

  /**
   * Answers a request the server will not run with a trailers-only response carrying
   * {@code status} (and HTTP {@code httpStatus}), drops whatever the client still sends, and resets
   * the stream once the answer is out if the client has not finished.
   */
  private static Stream.Listener reject(Stream stream, int httpStatus, Status status,
      org.eclipse.jetty.http.HttpField extra) {
    JettyServerTransport.LOG.log(System.Logger.Level.DEBUG, () -> "refused a request from "
        + stream.getSession().getRemoteSocketAddress() + ": HTTP " + httpStatus + ", " + status);
    HttpFields.Mutable f = HttpFields.build(5);
    f.add(GrpcFields.CONTENT_TYPE);
    GrpcFields.addStatus(f, status);
    if (extra != null) {
      f.add(extra);
    }
    MetaData.Response response = new MetaData.Response(httpStatus, null, HttpVersion.HTTP_2, f);
    Stream.Listener discard = new Stream.Listener() {
      @Override
      public void onDataAvailable(Stream s) {
        while (true) {
          Stream.Data data = s.readData();
          if (data == null) {
            s.demand();
            return;
          }
          data.release();
          if (data.frame().isEndStream()) {
            return;
          }
        }
      }
    };
    JettyGaps.setListener(stream, discard);
    stream.headers(new HeadersFrame(stream.getId(), response, null, true), Callback.from(() -> {
      if (!stream.isRemotelyClosed() && !stream.isReset()) {
        stream.reset(new ResetFrame(stream.getId(), ErrorCode.NO_ERROR.code), Callback.NOOP);
      }
    }, x -> { }));
    stream.demand();
    return discard;
  }
}
