package rpc.transport.jetty.internal.stream;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.wire.GrpcHeaders;
import rpc.api.wire.MessageCompression;
import rpc.api.wire.StatusMessage;

/** Converts between rpc metadata and status and Jetty's header fields. Thread-safe (stateless). */
public final class GrpcFields {
  public static final HttpField CONTENT_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, GrpcHeaders.CONTENT_TYPE_GRPC);
  private static final HttpField CONTENT_TYPE_PROTO =
      new HttpField(HttpHeader.CONTENT_TYPE, GrpcHeaders.CONTENT_TYPE_GRPC + "+proto");
  private static final HttpField CONTENT_TYPE_JSON =
      new HttpField(HttpHeader.CONTENT_TYPE, GrpcHeaders.CONTENT_TYPE_GRPC + "+json");
  public static final HttpField TE_TRAILERS = new HttpField(HttpHeader.TE, GrpcHeaders.TE_TRAILERS);
  public static final HttpField ACCEPT_ENCODING =
      new HttpField(GrpcHeaders.GRPC_ACCEPT_ENCODING, MessageCompression.ACCEPT_ENCODING);

  private GrpcFields() {}

  /**
   * The content-subtype of a gRPC content-type, in lower case and without parameters: {@code ""}
   * for {@code application/grpc}, {@code json} for {@code application/grpc+json}; null when
   * {@code contentType} is not gRPC's.
   */
  public static String contentSubtype(String contentType) {
    if (!GrpcHeaders.isGrpcContentType(contentType)) {
      return null;
    }
    int start = GrpcHeaders.CONTENT_TYPE_GRPC.length();
    if (start == contentType.length() || contentType.charAt(start) != '+') {
      return "";
    }
    int end = contentType.indexOf(';', start);
    return contentType.substring(start + 1, end < 0 ? contentType.length() : end).strip()
        .toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The message format (a {@link rpc.api.Codec#format()}) a content-subtype names: {@code proto}
   * when there is none, as gRPC says.
   */
  public static String format(String contentSubtype) {
    return contentSubtype.isEmpty() ? "proto" : contentSubtype;
  }

  /** The content-type field of a content-subtype ({@code ""} for plain {@code application/grpc}). */
  public static HttpField contentType(String contentSubtype) {
    return switch (contentSubtype) {
      case "" -> CONTENT_TYPE;
      case "proto" -> CONTENT_TYPE_PROTO;
      case "json" -> CONTENT_TYPE_JSON;
      default -> new HttpField(HttpHeader.CONTENT_TYPE, GrpcHeaders.CONTENT_TYPE_GRPC + "+" + contentSubtype);
    };
  }

  /**
   * Adds every entry of {@code metadata} that may be sent; binary values go base64.
   *
   * @throws IllegalArgumentException if a value cannot travel in HTTP/2 (see
   *     {@link GrpcHeaders#isHttp2Value}); the message names the key
   */
  public static void addMetadata(HttpFields.Mutable fields, Metadata metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return;
    }
    metadata.forEach((key, value) -> {
      if (GrpcHeaders.isReservedKey(key)) {
        return;
      }
      if (value instanceof byte[] bytes) {
        fields.add(key, GrpcHeaders.encodeBinary(bytes));
      } else {
        String v = (String) value;
        if (!GrpcHeaders.isHttp2Value(v)) {
          throw new IllegalArgumentException("metadata value of '" + key
              + "' starts or ends with whitespace, which HTTP/2 does not allow (RFC 9113 section 8.2.1)");
        }
        fields.add(key, v);
      }
    });
  }

  /**
   * The application metadata in received fields: protocol headers are left out, binary values
   * decoded, and entries that are not valid metadata (bad base64, non-ASCII) skipped rather than
   * failing the call.
   */
  public static Metadata toMetadata(HttpFields fields) {
    Metadata md = new Metadata();
    if (fields == null) {
      return md;
    }
    for (HttpField f : fields) {
      String name = f.getLowerCaseName();
      if (GrpcHeaders.isProtocolHeader(name)) {
        continue;
      }
      String value = f.getValue();
      if (value == null) {
        continue;
      }
      try {
        if (Metadata.isBinaryKey(name)) {
          for (byte[] b : GrpcHeaders.decodeBinaryValues(value)) {
            md.putBinary(name, b);
          }
        } else {
          md.put(name, value);
        }
      } catch (IllegalArgumentException e) {
        // not representable as metadata: drop this entry only
      }
    }
    return md;
  }

  /**
   * The HPACK header list size of {@code fields} plus {@code pseudoHeaders} (RFC 7541 section 4.1:
   * name and value octets plus 32 per field), which the peer's SETTINGS_MAX_HEADER_LIST_SIZE limits.
   */
  public static long headerListSize(HttpFields fields, String... pseudoHeaders) {
    long size = 0;
    for (String p : pseudoHeaders) {
      size += p.length() + 32;
    }
    for (HttpField f : fields) {
      String v = f.getValue();
      size += f.getName().length() + (v == null ? 0 : v.length()) + 32;
    }
    return size;
  }

  /** Adds {@code grpc-status} and, when there is a description, {@code grpc-message}. */
  public static void addStatus(HttpFields.Mutable fields, Status status) {
    fields.add(GrpcHeaders.GRPC_STATUS, Integer.toString(status.code().value()));
    String d = status.description();
    if (d != null && !d.isEmpty()) {
      fields.add(GrpcHeaders.GRPC_MESSAGE, StatusMessage.encode(d));
    }
  }

  /** The status in received trailers, or null when they carry no {@code grpc-status}. */
  public static Status status(HttpFields fields) {
    String code = fields == null ? null : fields.get(GrpcHeaders.GRPC_STATUS);
    if (code == null) {
      return null;
    }
    Status status;
    try {
      status = Status.fromCodeValue(Integer.parseInt(code.strip()));
    } catch (NumberFormatException e) {
      return Status.UNKNOWN.withDescription("invalid grpc-status: " + code);
    }
    String message = fields.get(GrpcHeaders.GRPC_MESSAGE);
    return message == null ? status : status.withDescription(StatusMessage.decode(message));
  }
}
