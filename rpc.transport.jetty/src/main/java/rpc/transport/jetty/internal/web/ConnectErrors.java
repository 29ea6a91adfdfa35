package rpc.transport.jetty.internal.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * The Connect protocol's way of saying how a call ended: code names, the HTTP status of a unary
 * error, the JSON error object (with the {@code google.rpc.Status} details a handler put in
 * {@code grpc-status-details-bin}), and the end-of-stream message of a streaming call.
 * Thread-safe (stateless).
 */
final class ConnectErrors {
  /** The trailer gRPC carries error details in: a serialized {@code google.rpc.Status}. */
  private static final String DETAILS_KEY = rpc.api.wire.GrpcHeaders.GRPC_STATUS_DETAILS_BIN;

  private ConnectErrors() {}

  /** {@return the Connect name of {@code code}: {@code not_found}, {@code canceled}, …} */
  static String codeName(Status.Code code) {
    return code == Status.Code.CANCELLED ? "canceled" : code.name().toLowerCase(Locale.ROOT);
  }

  /** {@return the HTTP status of a Connect unary error with {@code code}} */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case CANCELLED -> 499;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case UNAUTHENTICATED -> 401;
      case OK -> 200;
      default -> 500; // UNKNOWN, INTERNAL, DATA_LOSS
    };
  }

  /**
   * The JSON error object: {@code {"code":…,"message":…,"details":[{"type":…,"value":…}]}}.
   * Details come from {@code trailers}' {@code grpc-status-details-bin}, if present and valid.
   */
  static String errorJson(Status status, Metadata trailers) {
    StringBuilder b = new StringBuilder(64).append("{\"code\":");
    Json.string(b, codeName(status.code()));
    String message = status.description();
    if (message != null && !message.isEmpty()) {
      b.append(",\"message\":");
      Json.string(b, message);
    }
    byte[] details = trailers == null ? null : trailers.getBinary(DETAILS_KEY);
    List<Any> anys = details == null ? List.of() : details(details);
    if (!anys.isEmpty()) {
      b.append(",\"details\":[");
      for (int i = 0; i < anys.size(); i++) {
        Any a = anys.get(i);
        b.append(i == 0 ? "{\"type\":" : ",{\"type\":");
        Json.string(b, a.type());
        b.append(",\"value\":");
        Json.string(b, Base64.getEncoder().withoutPadding().encodeToString(a.value()));
        b.append('}');
      }
      b.append(']');
    }
    return b.append('}').toString();
  }

  /**
   * The end-of-stream message of a Connect streaming call: {@code {"error":…,"metadata":{…}}},
   * the error only when {@code status} is not OK; {@code metadata} holds the trailers.
   */
  static byte[] endOfStream(Status status, Metadata trailers) {
    StringBuilder b = new StringBuilder(32).append('{');
    boolean first = true;
    if (!status.isOk()) {
      b.append("\"error\":").append(errorJson(status, trailers));
      first = false;
    }
    if (trailers != null && hasEntries(trailers)) {
      b.append(first ? "" : ",").append("\"metadata\":");
      metadataJson(b, trailers);
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static boolean hasEntries(Metadata md) {
    for (String key : md.keys()) {
      if (!key.equals(DETAILS_KEY)) {
        return true;
      }
    }
    return false;
  }

  /** Metadata as Connect's JSON object of arrays; binary values base64 (unpadded), details left out. */
  private static void metadataJson(StringBuilder b, Metadata md) {
    b.append('{');
    boolean first = true;
    for (String key : md.keys()) {
      if (key.equals(DETAILS_KEY)) {
        continue;
      }
      b.append(first ? "" : ",");
      first = false;
      Json.string(b, key);
      b.append(":[");
      List<String> values = new ArrayList<>();
      if (Metadata.isBinaryKey(key)) {
        for (byte[] v : md.getAllBinary(key)) {
          values.add(Base64.getEncoder().withoutPadding().encodeToString(v));
        }
      } else {
        values.addAll(md.getAll(key));
      }
      for (int i = 0; i < values.size(); i++) {
        b.append(i == 0 ? "" : ",");
        Json.string(b, values.get(i));
      }
      b.append(']');
    }
    b.append('}');
  }

  /** One {@code google.protobuf.Any}: the type's full name (after the URL's last slash) and its bytes. */
  record Any(String type, byte[] value) {}

  /**
   * The details of a serialized {@code google.rpc.Status} (field 3, repeated {@code Any}), read by
   * hand so that this transport needs no protobuf; empty when the bytes do not parse.
   */
  static List<Any> details(byte[] status) {
    List<Any> out = new ArrayList<>();
    try {
      ByteBuffer in = ByteBuffer.wrap(status);
      while (in.hasRemaining()) {
        long tag = varint(in);
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if (field == 3 && wire == 2) {
          out.add(any(slice(in)));
        } else {
          skip(in, wire);
        }
      }
    } catch (RuntimeException e) {
      return List.of(); // not a google.rpc.Status: send the error without details
    }
    return out;
  }

  private static Any any(ByteBuffer in) {
    String url = "";
    byte[] value = new byte[0];
    while (in.hasRemaining()) {
      long tag = varint(in);
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (wire == 2 && (field == 1 || field == 2)) {
        ByteBuffer v = slice(in);
        byte[] bytes = new byte[v.remaining()];
        v.get(bytes);
        if (field == 1) {
          url = new String(bytes, StandardCharsets.UTF_8);
        } else {
          value = bytes;
        }
      } else {
        skip(in, wire);
      }
    }
    return new Any(url.substring(url.lastIndexOf('/') + 1), value);
  }

  private static ByteBuffer slice(ByteBuffer in) {
    int n = Math.toIntExact(varint(in));
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("truncated");
    }
    ByteBuffer s = in.slice(in.position(), n);
    in.position(in.position() + n);
    return s;
  }

  private static void skip(ByteBuffer in, int wire) {
    switch (wire) {
      case 0 -> varint(in);
      case 1 -> in.position(in.position() + 8);
      case 2 -> slice(in);
      case 5 -> in.position(in.position() + 4);
      default -> throw new IllegalArgumentException("wire type " + wire);
    }
  }

  private static long varint(ByteBuffer in) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }

  /** Writing JSON strings. */
  static final class Json {
    private Json() {}

    /** Appends {@code s} as a JSON string literal. */
    static void string(StringBuilder b, String s) {
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20 || c == 0x2028 || c == 0x2029) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      b.append('"');
    }
  }
}
