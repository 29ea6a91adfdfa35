package rpc.transport.jetty.internal.web;

import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import rpc.api.Metadata;
import rpc.api.wire.MessageCompression;
import rpc.transport.jetty.internal.stream.GrpcFields;

/** Header names of the Connect protocol and gRPC-Web, and what of a request is metadata. Thread-safe (stateless). */
final class WebHeaders {
  static final String CONNECT_PROTOCOL_VERSION = "connect-protocol-version";
  static final String CONNECT_TIMEOUT_MS = "connect-timeout-ms";
  static final String CONNECT_CONTENT_ENCODING = "connect-content-encoding";
  static final String CONNECT_ACCEPT_ENCODING = "connect-accept-encoding";

  /** HTTP and web-protocol headers that are not the application's metadata. */
  private static final Set<String> NOT_METADATA = Set.of("content-length", "content-encoding", "accept-encoding",
      "x-grpc-web", "x-user-agent", "access-control-request-method", "access-control-request-headers");

  private WebHeaders() {}

  /** The application metadata of a web request: gRPC's rules, less the web protocols' own headers. */
  static Metadata metadata(HttpFields headers) {
    HttpFields.Mutable kept = HttpFields.build(headers.size());
    for (HttpField f : headers) {
      String name = f.getLowerCaseName();
      if (!name.startsWith("connect-") && !NOT_METADATA.contains(name)) {
        kept.add(name, f.getValue());
      }
    }
    return GrpcFields.toMetadata(kept);
  }

  /** The encoding named by a request header: null for none or identity, else lower case. */
  static String encoding(String value) {
    if (value == null || value.isBlank() || value.strip().equalsIgnoreCase(MessageCompression.IDENTITY)) {
      return null;
    }
    return value.strip().toLowerCase(Locale.ROOT);
  }
}
