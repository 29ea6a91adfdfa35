package rpc.transport.connect.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.wire.GrpcHeaders;
import rpc.api.wire.HttpStatusMapping;

/**
 * The Connect protocol as a client reads and writes it: header names, content types, the timeout
 * header, metadata in headers, and how a call's end is told (the JSON error object of a unary
 * response, the end-of-stream message of a streaming one). Error details come back as a serialized
 * {@code google.rpc.Status} in {@value GrpcHeaders#GRPC_STATUS_DETAILS_BIN}, written by hand so
 * the transport needs no protobuf. Thread-safe (stateless).
 */
final class ConnectWire {
  static final String PROTOCOL_VERSION = "connect-protocol-version";
  static final String TIMEOUT_MS = "connect-timeout-ms";
  static final String CONTENT_ENCODING = "connect-content-encoding";
  static final String ACCEPT_ENCODING = "connect-accept-encoding";
  /** The flag of a compressed message envelope. */
  static final int FLAG_COMPRESSED = 0x01;
  /** The flag of the end-of-stream envelope. */
  static final int FLAG_END_STREAM = 0x02;
  /** The prefix of a unary response's trailers among its headers. */
  private static final String TRAILER_PREFIX = "trailer-";
  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";
  /** Response headers that are HTTP's or the protocol's, never the application's metadata. */
  private static final Set<String> NOT_METADATA = Set.of("content-length", "content-encoding", "accept-encoding",
      "date", "server", "vary", "transfer-encoding", "connection", "keep-alive", "alt-svc");

  private ConnectWire() {}

  /** How a call ended: its status and trailing metadata. */
  record End(Status status, Metadata trailers) {}

  /** {@return the request content type for a message format, unary or streaming} */
  static String contentType(String format, boolean streaming) {
    return (streaming ? "application/connect+" : "application/") + format;
  }

  /** {@return the media type without parameters, in lower case; null for null} */
  static String baseType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The {@code Connect-Timeout-Ms} value for what remains of a deadline: at least 1, at most the
   * protocol's 10 digits.
   */
  static String timeoutMs(long remainingNanos) {
    long ms = Math.max(1, (remainingNanos + 999_999) / 1_000_000);
    return Long.toString(Math.min(ms, 9_999_999_999L));
  }

  /** Whether the application may not send {@code key} as request metadata: the protocol's and HTTP's own. */
  static boolean isReservedRequestKey(String key) {
    return GrpcHeaders.isReservedKey(key) || key.startsWith("connect-") || NOT_METADATA.contains(key)
        || key.equals("accept") || key.equals("expect");
  }

  /** The header value of one metadata entry: {@code -bin} values base64 without padding. */
  static String headerValue(Object value) {
    return value instanceof byte[] bytes ? GrpcHeaders.encodeBinary(bytes) : (String) value;
  }

  /**
   * The application's metadata among response headers: with {@code trailers} false the plain
   * headers, with it true the unary trailers (the {@code trailer-} ones, without the prefix).
   */
  static Metadata metadata(HttpHeaders headers, boolean trailers) {
    Metadata md = new Metadata();
    for (Map.Entry<String, List<String>> e : headers.map().entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      boolean trailer = name.startsWith(TRAILER_PREFIX);
      if (trailer != trailers) {
        continue;
      }
      String key = trailer ? name.substring(TRAILER_PREFIX.length()) : name;
      if (GrpcHeaders.isProtocolHeader(key) || key.startsWith("connect-") || NOT_METADATA.contains(key)
          || key.startsWith("access-control-")) {
        continue;
      }
      for (String v : e.getValue()) {
        put(md, key, v);
      }
    }
    return md;
  }

  /** Adds one received entry, skipping what is not valid metadata (a peer's oddity must not fail the call). */
  private static void put(Metadata md, String key, String value) {
    try {
      if (Metadata.isBinaryKey(key)) {
        for (String part : value.split(",", -1)) {
          md.putBinary(key, decodeBase64(part));
        }
      } else {
        md.put(key, value.strip());
      }
    } catch (IllegalArgumentException e) {
      // not base64, or not a value metadata can hold: left out
    }
  }

  /** Base64 as peers write it: standard or URL-safe alphabet, padded or not. */
  static byte[] decodeBase64(String text) {
    String t = text.strip().replace('-', '+').replace('_', '/');
    int pad = t.indexOf('=');
    return Base64.getDecoder().decode(pad < 0 ? t : t.substring(0, pad));
  }

  // ---- the end of a call ----

  /**
   * The end of a unary call answered with HTTP status {@code httpStatus} (not 200): the Connect error
   * object in {@code body} when it is one, else the status the HTTP status maps to.
   */
  static End unaryError(int httpStatus, String contentType, byte[] body, Metadata trailers) {
    if ("application/json".equals(baseType(contentType)) && body.length > 0) {
      try {
        Object json = Json.parse(new String(body, StandardCharsets.UTF_8));
        if (json instanceof Map<?, ?> error && error.get("code") instanceof String) {
          return error(error, HttpStatusMapping.codeForHttpStatus(httpStatus), trailers);
        }
      } catch (IllegalArgumentException e) {
        // not the protocol's error: reported by its HTTP status below
      }
    }
    return new End(HttpStatusMapping.forHttpStatus(httpStatus).augmentDescription(describeBody(contentType, body)),
        trailers);
  }

  private static String describeBody(String contentType, byte[] body) {
    String type = baseType(contentType);
    if (body.length == 0 || type == null || !(type.startsWith("text/") || type.equals("application/json"))) {
      return body.length == 0 ? "(no body)" : "(" + body.length + " bytes of " + type + ")";
    }
    String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "(no body)" : text;
  }

  /**
   * The end a Connect streaming call's end-of-stream message tells: {@code {"error":…,"metadata":…}}.
   *
   * @throws IllegalArgumentException if the message is not valid
   */
  static End endOfStream(byte[] message) {
    Object json = Json.parse(new String(message, StandardCharsets.UTF_8));
    if (!(json instanceof Map<?, ?> end)) {
      throw new IllegalArgumentException("the end-of-stream message is not a JSON object");
    }
    Metadata trailers = new Metadata();
    if (end.get("metadata") instanceof Map<?, ?> metadata) {
      for (Map.Entry<?, ?> e : metadata.entrySet()) {
        String key = String.valueOf(e.getKey()).toLowerCase(Locale.ROOT);
        if (e.getValue() instanceof List<?> values && !GrpcHeaders.isProtocolHeader(key)) {
          for (Object v : values) {
            if (v instanceof String s) {
              put(trailers, key, s);
            }
          }
        }
      }
    }
    Object error = end.get("error");
    if (error == null) {
      return new End(Status.OK, trailers);
    }
    if (!(error instanceof Map<?, ?> errorObject)) {
      throw new IllegalArgumentException("the end-of-stream error is not a JSON object");
    }
    return error(errorObject, Status.Code.UNKNOWN, trailers);
  }

  /** The status of a Connect error object, its details added to {@code trailers}. */
  private static End error(Map<?, ?> error, Status.Code fallback, Metadata trailers) {
    Status.Code code = code(error.get("code") instanceof String s ? s : null, fallback);
    String message = error.get("message") instanceof String s ? s : null;
    Status status = message == null || message.isEmpty() ? Status.of(code) : Status.of(code, message);
    if (error.get("details") instanceof List<?> details && !details.isEmpty()) {
      byte[] rpcStatus = googleRpcStatus(code.value(), message, details);
      if (rpcStatus != null) {
        trailers.removeAll(GrpcHeaders.GRPC_STATUS_DETAILS_BIN);
        trailers.putBinary(GrpcHeaders.GRPC_STATUS_DETAILS_BIN, rpcStatus);
      }
    }
    return new End(status, trailers);
  }

  /** The code a Connect code name stands for ({@code canceled}, {@code not_found}, …), else {@code fallback}. */
  static Status.Code code(String name, Status.Code fallback) {
    if (name == null) {
      return fallback;
    }
    if (name.equals("canceled")) {
      return Status.Code.CANCELLED;
    }
    if (name.equals("cancelled") || name.equals("ok") || !name.equals(name.toLowerCase(Locale.ROOT))) {
      return fallback;
    }
    try {
      return Status.Code.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  /**
   * A serialized {@code google.rpc.Status}: code (1), message (2), details (3, repeated
   * {@code google.protobuf.Any} of type URL (1) and value (2)); null when no detail is valid.
   */
  static byte[] googleRpcStatus(int code, String message, List<?> details) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int written = 0;
    if (code != 0) {
      tag(out, 1, 0);
      varint(out, code);
    }
    if (message != null && !message.isEmpty()) {
      bytesField(out, 2, message.getBytes(StandardCharsets.UTF_8));
    }
    for (Object d : details) {
      if (!(d instanceof Map<?, ?> detail) || !(detail.get("type") instanceof String type)
          || !(detail.get("value") instanceof String value)) {
        continue;
      }
      byte[] bytes;
      try {
        bytes = decodeBase64(value);
      } catch (IllegalArgumentException e) {
        continue;
      }
      ByteArrayOutputStream any = new ByteArrayOutputStream();
      bytesField(any, 1, (type.contains("/") ? type : TYPE_URL_PREFIX + type).getBytes(StandardCharsets.UTF_8));
      if (bytes.length > 0) {
        bytesField(any, 2, bytes);
      }
      bytesField(out, 3, any.toByteArray());
      written++;
    }
    return written == 0 ? null : out.toByteArray();
  }

  private static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
    tag(out, field, 2);
    varint(out, value.length);
    out.writeBytes(value);
  }

  private static void tag(ByteArrayOutputStream out, int field, int wireType) {
    varint(out, (long) field << 3 | wireType);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
