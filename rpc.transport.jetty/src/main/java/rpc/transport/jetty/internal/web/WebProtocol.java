package rpc.transport.jetty.internal.web;

import java.util.Locale;

/**
 * What an HTTP request speaks, from its content type: gRPC-Web (binary or base64 text), the
 * Connect protocol's streaming form, or its unary form; and in which message format ({@code proto}
 * or {@code json}). Immutable.
 *
 * @param kind the protocol
 * @param format the message format, {@code proto} or {@code json}
 * @param text whether the body is base64 text ({@code application/grpc-web-text})
 */
record WebProtocol(Kind kind, String format, boolean text) {

  /** The protocols served. */
  enum Kind {
    /** grpc's PROTOCOL-WEB.md: length-prefixed messages, trailers as the last frame (flag 0x80). */
    GRPC_WEB,
    /** Connect streaming: length-prefixed envelopes, then an end-of-stream envelope (flag 0x02). */
    CONNECT_STREAM,
    /** Connect unary: the body is the one message; errors as JSON with an HTTP status. */
    CONNECT_UNARY
  }

  /** The content type of requests for gRPC over HTTP/2, which this handler refuses (see {@link #isGrpc}). */
  private static final String GRPC = "application/grpc";

  /**
   * The protocol of a request with this content type, or null for a content type none of them uses.
   *
   * @param contentType the request's {@code Content-Type}, may be null
   * @return the protocol, or null
   */
  static WebProtocol of(String contentType) {
    String type = baseType(contentType);
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "application/grpc-web", "application/grpc-web+proto" -> new WebProtocol(Kind.GRPC_WEB, "proto", false);
      case "application/grpc-web+json" -> new WebProtocol(Kind.GRPC_WEB, "json", false);
      case "application/grpc-web-text", "application/grpc-web-text+proto" -> new WebProtocol(Kind.GRPC_WEB, "proto", true);
      case "application/grpc-web-text+json" -> new WebProtocol(Kind.GRPC_WEB, "json", true);
      case "application/connect+proto" -> new WebProtocol(Kind.CONNECT_STREAM, "proto", false);
      case "application/connect+json" -> new WebProtocol(Kind.CONNECT_STREAM, "json", false);
      case "application/proto" -> new WebProtocol(Kind.CONNECT_UNARY, "proto", false);
      case "application/json" -> new WebProtocol(Kind.CONNECT_UNARY, "json", false);
      default -> null;
    };
  }

  /** The Connect unary protocol for a GET request's {@code encoding} parameter, or null. */
  static WebProtocol connectGet(String encoding) {
    return "proto".equals(encoding) || "json".equals(encoding)
        ? new WebProtocol(Kind.CONNECT_UNARY, encoding, false) : null;
  }

  /** Whether {@code contentType} is gRPC's own ({@code application/grpc}, {@code +proto}, …), which needs HTTP/2. */
  static boolean isGrpc(String contentType) {
    String type = baseType(contentType);
    return type != null && (type.equals(GRPC) || type.startsWith(GRPC + "+"));
  }

  /** The media type without parameters, in lower case; null for null. */
  static String baseType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  /** {@return the content type of a successful response} */
  String responseContentType() {
    return switch (kind) {
      case GRPC_WEB -> (text ? "application/grpc-web-text+" : "application/grpc-web+") + format;
      case CONNECT_STREAM -> "application/connect+" + format;
      case CONNECT_UNARY -> "application/" + format;
    };
  }

  /** {@return whether the body is a sequence of length-prefixed messages} */
  boolean enveloped() {
    return kind != Kind.CONNECT_UNARY;
  }

  /** {@return the protocol's name, for messages} */
  String displayName() {
    return switch (kind) {
      case GRPC_WEB -> text ? "gRPC-Web text" : "gRPC-Web";
      case CONNECT_STREAM -> "Connect streaming";
      case CONNECT_UNARY -> "Connect unary";
    };
  }
}
