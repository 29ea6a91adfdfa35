package rpc.transport.jetty.internal.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import rpc.api.Codec;
import rpc.api.Cors;
import rpc.api.Deadline;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ServerCallAcceptor;
import rpc.api.wire.GrpcHeaders;
import rpc.api.wire.GrpcTimeout;
import rpc.api.wire.MessageCompression;
import rpc.transport.jetty.internal.stream.GrpcFields;
import rpc.transport.jetty.internal.stream.Peers;

/**
 * Serves the requests on the server's port that are not gRPC over HTTP/2: gRPC-Web and the Connect
 * protocol (over HTTP/1.1 or HTTP/2), CORS preflights, and a clear refusal for anything else. Each
 * call it accepts becomes a {@link WebCall} handed to the same {@link ServerCallAcceptor} as gRPC
 * calls, so handlers, interceptors, deadlines and limits are shared. Runs on Jetty's threads and
 * never blocks.
 *
 * <p>Thread-safe.
 */
public final class WebHandler extends Handler.Abstract.NonBlocking {

  /** The transport's side: admission (refused while shutting down) and the end of each call. */
  public interface Calls {
    /**
     * Registers a call about to start.
     *
     * @param call the call
     * @return false if the server is shutting down and the call must be refused
     */
    boolean admit(Object call);

    /**
     * The call has ended.
     *
     * @param call the call
     */
    void ended(Object call);
  }

  private static final String ALLOW = "POST, GET, OPTIONS";
  private final ServerCallAcceptor acceptor;
  private final Calls calls;
  private final Cors cors;
  private final int maxInboundMessageSize;

  /**
   * A handler for the calls of one server.
   *
   * @param acceptor where calls go
   * @param calls the transport's record of calls
   * @param cors which pages on other origins may call, or null for none
   * @param maxInboundMessageSize the largest request message accepted, in bytes
   */
  public WebHandler(ServerCallAcceptor acceptor, Calls calls, Cors cors, int maxInboundMessageSize) {
    this.acceptor = acceptor;
    this.calls = calls;
    this.cors = cors;
    this.maxInboundMessageSize = maxInboundMessageSize;
  }

  /** Fails a call the transport is giving up on (server shutting down now). */
  public static void fail(Object call, Status status) {
    if (call instanceof WebCall<?, ?> c) {
      c.fail(status);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    HttpFields headers = request.getHeaders();
    String origin = headers.get(HttpHeader.ORIGIN);
    boolean crossOriginAllowed = cors != null && origin != null && cors.allowsOrigin(origin);
    String httpMethod = request.getMethod();
    if (HttpMethod.OPTIONS.is(httpMethod)) {
      preflight(request, response, callback, origin, crossOriginAllowed);
      return true;
    }
    if (crossOriginAllowed) {
      allowOrigin(response, origin);
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(", ", cors.exposedHeaders()));
    }
    boolean get = HttpMethod.GET.is(httpMethod);
    if (!get && !HttpMethod.POST.is(httpMethod)) {
      response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
      plain(response, callback, 405, httpMethod + " is not supported: gRPC-Web and Connect calls are POST"
          + " (Connect also takes GET for methods without side effects)");
      return true;
    }
    String contentType = headers.get(HttpHeader.CONTENT_TYPE);
    Fields query = get ? Request.extractQueryParameters(request) : null;
    WebProtocol protocol = get ? WebProtocol.connectGet(query.getValue("encoding")) : WebProtocol.of(contentType);
    if (protocol == null && get) {
      refuseGet(response, callback, query.getValue("encoding"));
      return true;
    }
    if (protocol == null) {
      refuseUnknown(request, response, callback, contentType);
      return true;
    }
    String path = request.getHttpURI().getPath();
    String name = path != null && path.startsWith("/") ? path.substring(1) : path;
    MethodDescriptor<?, ?> method = name == null || name.isEmpty() ? null : acceptor.lookup(name);
    start(request, response, callback, protocol, method, name, query);
    return true;
  }

  private <Req, Resp> void start(Request request, Response response, Callback callback, WebProtocol protocol,
      MethodDescriptor<Req, Resp> method, String name, Fields query) {
    HttpFields headers = request.getHeaders();
    Codec<Req> requestCodec = method == null ? null : method.requestCodec().inFormat(protocol.format());
    Codec<Resp> responseCodec = method == null ? null : method.responseCodec().inFormat(protocol.format());
    boolean grpcWeb = protocol.kind() == WebProtocol.Kind.GRPC_WEB;
    String requestEncoding;
    String acceptEncoding;
    switch (protocol.kind()) {
      case GRPC_WEB -> {
        requestEncoding = WebHeaders.encoding(headers.get(GrpcHeaders.GRPC_ENCODING));
        acceptEncoding = headers.get(GrpcHeaders.GRPC_ACCEPT_ENCODING);
      }
      case CONNECT_STREAM -> {
        requestEncoding = WebHeaders.encoding(headers.get(WebHeaders.CONNECT_CONTENT_ENCODING));
        acceptEncoding = headers.get(WebHeaders.CONNECT_ACCEPT_ENCODING);
      }
      default -> {
        requestEncoding = WebHeaders.encoding(query != null ? query.getValue("compression")
            : headers.get(HttpHeader.CONTENT_ENCODING));
        acceptEncoding = headers.get(HttpHeader.ACCEPT_ENCODING);
      }
    }
    HttpURI uri = request.getHttpURI();
    String authority = uri.getHost() == null ? null : (uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost());
    String peer = Peers.describe(request.getConnectionMetaData().getRemoteSocketAddress(),
        request.getConnectionMetaData().getLocalSocketAddress());
    Status refusal = null;
    int refusalHttpStatus = 0;
    Deadline deadline = null;
    if (method == null) {
      refusal = Status.UNIMPLEMENTED.withDescription("Method not found: " + name);
    } else if (requestCodec == null || responseCodec == null) {
      // As connect-go: a message format the method lacks is an unsupported media type.
      String why = "method " + name + " has no " + protocol.format() + " codec: use "
          + (protocol.format().equals("json") ? "the binary (proto) form" : "JSON");
      GrpcFields.addStatus(response.getHeaders(), Status.INTERNAL.withDescription(why));
      plain(response, callback, 415, why);
      return;
    } else if (protocol.kind() == WebProtocol.Kind.CONNECT_UNARY && method.kind() != MethodDescriptor.Kind.UNARY) {
      refusal = Status.UNIMPLEMENTED.withDescription(name + " is a " + method.kind().name().toLowerCase(java.util.Locale.ROOT)
          + " method: call it with the streaming content type application/connect+" + protocol.format());
    } else if (query != null && method.idempotency() != MethodDescriptor.Idempotency.NO_SIDE_EFFECTS) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      refusalHttpStatus = 405;
      refusal = Status.UNIMPLEMENTED.withDescription("GET is only for methods marked idempotency_level ="
          + " NO_SIDE_EFFECTS; call " + name + " with POST");
    } else if (requestEncoding != null && !MessageCompression.isSupported(requestEncoding)) {
      refusal = Status.UNIMPLEMENTED.withDescription("compression " + requestEncoding + " is not supported"
          + " (supported: " + MessageCompression.ACCEPT_ENCODING + ")");
    } else if (!grpcWeb && !connectVersionOk(headers, query)) {
      refusal = Status.INVALID_ARGUMENT.withDescription("unsupported Connect protocol version: "
          + (query != null ? "connect=" + query.getValue("connect")
              : WebHeaders.CONNECT_PROTOCOL_VERSION + ": " + headers.get(WebHeaders.CONNECT_PROTOCOL_VERSION))
          + " (this server speaks version 1)");
    } else {
      try {
        deadline = deadline(headers, grpcWeb);
      } catch (IllegalArgumentException e) {
        refusal = (grpcWeb ? Status.INTERNAL : Status.INVALID_ARGUMENT).withDescription(e.getMessage());
      }
    }
    WebCall<Req, Resp> call = new WebCall<>(calls::ended, request, response, callback, method,
        requestCodec, responseCodec, protocol, deadline, peer, authority, maxInboundMessageSize,
        refusal == null ? requestEncoding : null, acceptEncoding);
    if (refusal == null && !calls.admit(call)) {
      refusal = Status.UNAVAILABLE.withDescription("server shutting down");
    }
    if (refusal == null && query != null) {
      try {
        call.presetRequest(getMessage(call, query, requestEncoding));
      } catch (StatusException e) {
        refusal = e.status();
      } catch (IllegalArgumentException e) {
        refusal = Status.INVALID_ARGUMENT.withDescription("GET message parameter is not valid base64: "
            + e.getMessage());
      }
    }
    if (refusal != null) {
      call.unaryErrorHttpStatus(refusalHttpStatus);
      call.fail(refusal);
      return;
    }
    call.accept(acceptor, WebHeaders.metadata(headers));
  }

  private static <Req> WebCall.Received<Req> getMessage(WebCall<Req, ?> call, Fields query, String encoding) {
    String message = query.getValue("message");
    if (message == null) {
      throw Status.INVALID_ARGUMENT.withDescription("GET request without the message query parameter").asException();
    }
    byte[] bytes = "1".equals(query.getValue("base64")) ? WebCall.decodeQueryBase64(message)
        : message.getBytes(StandardCharsets.UTF_8);
    return call.decode(encoding != null, ByteBuffer.wrap(bytes));
  }

  private static boolean connectVersionOk(HttpFields headers, Fields query) {
    if (query != null) {
      String v = query.getValue("connect");
      return v == null || v.equals("v1");
    }
    String v = headers.get(WebHeaders.CONNECT_PROTOCOL_VERSION);
    return v == null || v.strip().equals("1");
  }

  private static Deadline deadline(HttpFields headers, boolean grpcWeb) {
    if (grpcWeb) {
      String t = headers.get(GrpcHeaders.GRPC_TIMEOUT);
      if (t == null) {
        return null;
      }
      try {
        return Deadline.after(GrpcTimeout.parseNanos(t), TimeUnit.NANOSECONDS);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("malformed grpc-timeout: " + t);
      }
    }
    String t = headers.get(WebHeaders.CONNECT_TIMEOUT_MS);
    if (t == null) {
      return null;
    }
    String v = t.strip();
    if (v.isEmpty() || v.length() > 10 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("malformed Connect-Timeout-Ms: " + t + " (1 to 10 digits)");
    }
    return Deadline.after(Long.parseLong(v), TimeUnit.MILLISECONDS);
  }

  private void preflight(Request request, Response response, Callback callback, String origin, boolean allowed) {
    HttpFields headers = request.getHeaders();
    if (origin == null || headers.get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD) == null) {
      response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
      response.setStatus(204);
      response.write(true, null, callback);
      return;
    }
    if (!allowed) {
      plain(response, callback, 403, "origin " + origin + " may not call this server"
          + (cors == null ? " (the server allows no other origins)" : ""));
      return;
    }
    allowOrigin(response, origin);
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "POST, GET");
    h.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", cors.allowedHeaders()));
    h.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, Long.toString(cors.maxAge().toSeconds()));
    response.setStatus(204);
    response.write(true, null, callback);
  }

  private void allowOrigin(Response response, String origin) {
    HttpFields.Mutable h = response.getHeaders();
    boolean any = cors.origins().contains("*") && !cors.allowsCredentials();
    h.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
    if (!any) {
      h.add(HttpHeader.VARY, "Origin");
    }
    if (cors.allowsCredentials()) {
      h.put(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
  }

  /**
   * A GET that is not a Connect call this server can take: answered as Connect answers, in JSON;
   * an encoding it does not speak is an unsupported media type, as the same body would be in a POST.
   */
  private static void refuseGet(Response response, Callback callback, String encoding) {
    if (encoding == null) {
      connectError(response, callback, 400, Status.INVALID_ARGUMENT.withDescription(
          "a GET call needs the Connect query parameters encoding=proto|json and message"));
    } else {
      connectError(response, callback, 415, Status.INTERNAL.withDescription("unsupported encoding: " + encoding
          + " (this server takes encoding=proto or encoding=json)"));
    }
  }

  private static void connectError(Response response, Callback callback, int httpStatus, Status status) {
    byte[] body = ConnectErrors.errorJson(status, null).getBytes(StandardCharsets.UTF_8);
    response.setStatus(httpStatus);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static void refuseUnknown(Request request, Response response, Callback callback, String contentType) {
    String why;
    if (WebProtocol.isGrpc(contentType)) {
      why = "gRPC needs HTTP/2 (" + request.getConnectionMetaData().getHttpVersion() + " used): connect with h2c prior"
          + " knowledge or TLS with ALPN; browsers can use application/grpc-web or the Connect protocol";
    } else {
      why = "unsupported content-type: " + contentType + " (this server speaks gRPC, gRPC-Web and the Connect"
          + " protocol: application/grpc, application/grpc-web[-text][+proto|+json], application/proto,"
          + " application/json, application/connect+proto|json)";
    }
    HttpFields.Mutable h = response.getHeaders();
    GrpcFields.addStatus(h, Status.INTERNAL.withDescription(why));
    plain(response, callback, 415, why);
  }

  private static void plain(Response response, Callback callback, int status, String message) {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
