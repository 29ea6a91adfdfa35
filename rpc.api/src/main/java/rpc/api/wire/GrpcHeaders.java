package rpc.api.wire;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The HTTP/2 headers of the gRPC protocol: their names, the {@code content-type} rule, which keys a
 * transport must not send as custom metadata (and which it must not hand up as metadata), and the
 * base64 form of binary ({@code -bin}) metadata values.
 * Thread-safe (stateless).
 */
public final class GrpcHeaders {

  /** {@code content-type} of gRPC requests and responses. */
  public static final String CONTENT_TYPE_GRPC = "application/grpc";
  /** The request's relative timeout, see {@link GrpcTimeout}. */
  public static final String GRPC_TIMEOUT = "grpc-timeout";
  /** The message encoding ({@code gzip}) of the messages this side sends. */
  public static final String GRPC_ENCODING = "grpc-encoding";
  /** The message encodings this side can decode, comma-separated. */
  public static final String GRPC_ACCEPT_ENCODING = "grpc-accept-encoding";
  /** The status code in the trailers, a decimal number. */
  public static final String GRPC_STATUS = "grpc-status";
  /** The status description in the trailers, see {@link StatusMessage}. */
  public static final String GRPC_MESSAGE = "grpc-message";
  /**
   * The trailer carrying a serialized {@code google.rpc.Status} (gRPC's rich error model): set by
   * the application, sent and received as ordinary binary metadata.
   */
  public static final String GRPC_STATUS_DETAILS_BIN = "grpc-status-details-bin";
  /** Request header of a retried or hedged attempt: how many attempts came before it (gRFC A6). */
  public static final String GRPC_PREVIOUS_RPC_ATTEMPTS = "grpc-previous-rpc-attempts";
  /**
   * Trailer a server sends to set when a client retries (milliseconds), or, negative, that it must
   * not retry (gRFC A6).
   */
  public static final String GRPC_RETRY_PUSHBACK_MS = "grpc-retry-pushback-ms";
  /** {@code te}; gRPC requests carry {@code te: trailers}. */
  public static final String TE = "te";
  /** The value of {@code te} in gRPC requests. */
  public static final String TE_TRAILERS = "trailers";

  // Connection-specific headers are illegal in HTTP/2 (RFC 9113 §8.2.2).
  private static final Set<String> CONNECTION_SPECIFIC =
      Set.of("connection", "host", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");
  private static final Set<String> PROTOCOL_OWNED = Set.of("content-type", "te", GRPC_TIMEOUT, GRPC_ENCODING,
      GRPC_ACCEPT_ENCODING, GRPC_STATUS, GRPC_MESSAGE);
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

  private GrpcHeaders() {}

  /**
   * Whether a {@code content-type} value names gRPC: {@code application/grpc}, optionally followed by
   * {@code +suffix} (such as {@code +proto}) or {@code ;parameters}. Case-insensitive; null is not.
   *
   * @param contentType the header value, or null
   * @return true for a gRPC content type
   */
  public static boolean isGrpcContentType(String contentType) {
    if (contentType == null || contentType.length() < CONTENT_TYPE_GRPC.length()
        || !contentType.regionMatches(true, 0, CONTENT_TYPE_GRPC, 0, CONTENT_TYPE_GRPC.length())) {
      return false;
    }
    if (contentType.length() == CONTENT_TYPE_GRPC.length()) {
      return true;
    }
    char next = contentType.charAt(CONTENT_TYPE_GRPC.length());
    return next == '+' || next == ';';
  }

  /**
   * Whether a transport must not send {@code key} as custom metadata: pseudo-headers, every
   * {@code grpc-} key except {@value #GRPC_STATUS_DETAILS_BIN} (the rich error model's trailer,
   * which the application supplies), {@value #GRPC_PREVIOUS_RPC_ATTEMPTS} and
   * {@value #GRPC_RETRY_PUSHBACK_MS} (retries: the channel sends the first, a server application
   * the second), {@code content-type}, {@code te}, {@code user-agent} and the
   * connection-specific HTTP headers.
   *
   * @param key a lower-case header name
   * @return true if the key is reserved
   */
  public static boolean isReservedKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.startsWith(":") || (k.startsWith("grpc-") && !k.equals(GRPC_STATUS_DETAILS_BIN)
        && !k.equals(GRPC_PREVIOUS_RPC_ATTEMPTS) && !k.equals(GRPC_RETRY_PUSHBACK_MS))
        || k.equals("content-type") || k.equals("te")
        || k.equals("user-agent") || CONNECTION_SPECIFIC.contains(k);
  }

  /**
   * Whether a received header belongs to the protocol rather than to the application, so a transport
   * does not hand it up as metadata: pseudo-headers, {@code content-type}, {@code te},
   * {@code grpc-timeout}, {@code grpc-encoding}, {@code grpc-accept-encoding}, {@code grpc-status},
   * {@code grpc-message} and the connection-specific HTTP headers. Other {@code grpc-} keys (such as
   * {@code grpc-status-details-bin}) and {@code user-agent} are passed up.
   *
   * @param key a lower-case header name
   * @return true if the header is the protocol's
   */
  public static boolean isProtocolHeader(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.startsWith(":") || PROTOCOL_OWNED.contains(k) || CONNECTION_SPECIFIC.contains(k);
  }

  /**
   * Whether an ASCII metadata value can travel in an HTTP/2 header: gRPC allows any printable ASCII,
   * but HTTP/2 forbids a value that starts or ends with a space or tab (RFC 9113 §8.2.1), and strict
   * peers (Jetty, nghttp2) reject the whole request or response that carries one.
   *
   * @param value the metadata value
   * @return true if HTTP/2 peers accept it
   */
  public static boolean isHttp2Value(String value) {
    int n = value.length();
    if (n == 0) {
      return true;
    }
    char first = value.charAt(0);
    char last = value.charAt(n - 1);
    return first != ' ' && first != '\t' && last != ' ' && last != '\t';
  }

  /**
   * The header value of a binary metadata value: base64 without padding, as gRPC recommends.
   *
   * @param value the binary value
   * @return its base64 text
   */
  public static String encodeBinary(byte[] value) {
    return ENCODER.encodeToString(value);
  }

  /**
   * Decodes one binary header value; padded and unpadded base64 are both accepted.
   *
   * @param value the header value
   * @return the decoded bytes
   * @throws IllegalArgumentException if the value is not base64
   */
  public static byte[] decodeBinary(String value) {
    return Base64.getDecoder().decode(value.strip());
  }

  /**
   * Decodes a binary header value that may hold several values joined with commas (as HTTP allows
   * for repeated headers).
   *
   * @param value the header value
   * @return the decoded values, in order
   * @throws IllegalArgumentException if a part is not base64
   */
  public static List<byte[]> decodeBinaryValues(String value) {
    if (value.indexOf(',') < 0) {
      return List.of(decodeBinary(value));
    }
    List<byte[]> out = new ArrayList<>(2);
    for (String part : value.split(",", -1)) {
      out.add(decodeBinary(part));
    }
    return out;
  }
}
