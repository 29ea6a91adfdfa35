package rpc.api.wire;

import rpc.api.Status;

/**
 * What a client reports when the HTTP/2 layer, not a gRPC server, ended a call: the gRPC code for an
 * HTTP status that came without {@code grpc-status} (grpc's {@code http-grpc-status-mapping.md}), and
 * for an HTTP/2 {@code RST_STREAM} or {@code GOAWAY} error code.
 * Thread-safe (stateless). Servers must not use these tables to pick an HTTP status: the
 * mappings are neither symmetric nor one-to-one.
 */
public final class HttpStatusMapping {

  private HttpStatusMapping() {}

  /**
   * The gRPC code for an HTTP response status received without {@code grpc-status}: 400 →
   * {@code INTERNAL}, 401 → {@code UNAUTHENTICATED}, 403 → {@code PERMISSION_DENIED}, 404 →
   * {@code UNIMPLEMENTED}, 429, 502, 503, 504 → {@code UNAVAILABLE}, 1xx → {@code INTERNAL}, anything
   * else → {@code UNKNOWN}.
   *
   * @param httpStatus the HTTP {@code :status}
   * @return the gRPC code
   */
  public static Status.Code codeForHttpStatus(int httpStatus) {
    if (httpStatus >= 100 && httpStatus < 200) {
      return Status.Code.INTERNAL;
    }
    return switch (httpStatus) {
      case 400 -> Status.Code.INTERNAL;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> Status.Code.UNAVAILABLE;
      default -> Status.Code.UNKNOWN;
    };
  }

  /**
   * {@link #codeForHttpStatus} as a status whose description names the HTTP status.
   *
   * @param httpStatus the HTTP {@code :status}
   * @return the status
   */
  public static Status forHttpStatus(int httpStatus) {
    return Status.of(codeForHttpStatus(httpStatus), "HTTP status code " + httpStatus);
  }

  /**
   * The status for an HTTP/2 error code ({@code RST_STREAM} or {@code GOAWAY}), as grpc's
   * {@code PROTOCOL-HTTP2.md} maps them: {@code REFUSED_STREAM} (7) → {@code UNAVAILABLE},
   * {@code CANCEL} (8) → {@code CANCELLED}, {@code ENHANCE_YOUR_CALM} (11) →
   * {@code RESOURCE_EXHAUSTED}, {@code INADEQUATE_SECURITY} (12) → {@code PERMISSION_DENIED}, the
   * others → {@code INTERNAL}. The description names the error.
   *
   * @param errorCode the HTTP/2 error code
   * @return the status
   */
  public static Status forHttp2ErrorCode(long errorCode) {
    String name = http2ErrorName(errorCode);
    Status.Code code = switch ((int) Math.min(errorCode, Integer.MAX_VALUE)) {
      case 7 -> Status.Code.UNAVAILABLE;
      case 8 -> Status.Code.CANCELLED;
      case 11 -> Status.Code.RESOURCE_EXHAUSTED;
      case 12 -> Status.Code.PERMISSION_DENIED;
      default -> Status.Code.INTERNAL;
    };
    return Status.of(code, "HTTP/2 error code " + name);
  }

  /**
   * The name of an HTTP/2 error code ({@code CANCEL}), or its number when unknown.
   *
   * @param errorCode the HTTP/2 error code
   * @return its name
   */
  public static String http2ErrorName(long errorCode) {
    String[] names = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
        "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    return errorCode >= 0 && errorCode < names.length ? names[(int) errorCode] : "0x" + Long.toHexString(errorCode);
  }
}
