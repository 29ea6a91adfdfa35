package rpc.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which web pages may call a server from a browser: the cross-origin resource sharing (CORS) rules
 * a network transport applies to gRPC-Web and Connect requests, with preflight ({@code OPTIONS})
 * requests answered. Immutable and thread-safe; each {@code with…} method returns a copy.
 *
 * <p>A page on {@code https://app.example} calling a server on {@code https://api.example} needs
 * {@code Cors.allowOrigins("https://app.example")}. The headers those protocols send and read
 * ({@code Content-Type}, {@code Connect-Protocol-Version}, {@code Connect-Timeout-Ms},
 * {@code Grpc-Timeout}, {@code X-Grpc-Web}, … and {@code Grpc-Status}, {@code Grpc-Message},
 * {@code Grpc-Status-Details-Bin}, …) are always allowed and exposed; add the names of your own
 * metadata with {@link #withAllowedHeaders} and {@link #withExposedHeaders}.
 *
 * <p>Without CORS set on the server builder, browsers on other origins are refused by the browser
 * itself (the server sends no CORS headers); same-origin pages and non-browser clients are not
 * affected either way.
 */
public final class Cors {
  /** Request headers of the gRPC-Web and Connect protocols, always allowed. */
  static final List<String> PROTOCOL_REQUEST_HEADERS = List.of("Content-Type", "Content-Encoding", "Accept-Encoding",
      "Connect-Protocol-Version", "Connect-Timeout-Ms", "Connect-Content-Encoding", "Connect-Accept-Encoding",
      "Grpc-Timeout", "Grpc-Encoding", "Grpc-Accept-Encoding", "X-Grpc-Web", "X-User-Agent");
  /** Response headers of the gRPC-Web and Connect protocols, always exposed. */
  static final List<String> PROTOCOL_RESPONSE_HEADERS = List.of("Grpc-Status", "Grpc-Message",
      "Grpc-Status-Details-Bin", "Grpc-Encoding", "Grpc-Accept-Encoding", "Content-Encoding",
      "Connect-Content-Encoding", "Connect-Accept-Encoding");

  private final List<String> origins;
  private final boolean credentials;
  private final Duration maxAge;
  private final List<String> allowedHeaders;
  private final List<String> exposedHeaders;

  private Cors(List<String> origins, boolean credentials, Duration maxAge, List<String> allowedHeaders,
      List<String> exposedHeaders) {
    this.origins = origins;
    this.credentials = credentials;
    this.maxAge = maxAge;
    this.allowedHeaders = allowedHeaders;
    this.exposedHeaders = exposedHeaders;
  }

  /**
   * Allows pages from these origins ({@code scheme://host[:port]}, as browsers send them in
   * {@code Origin}); {@code "*"} allows every origin.
   *
   * @param origins the allowed origins
   * @return the rules
   * @throws IllegalArgumentException if none is given, or one is not {@code "*"} and not of the
   *     form {@code scheme://host[:port]}
   */
  public static Cors allowOrigins(String... origins) {
    if (origins.length == 0) {
      throw new IllegalArgumentException("no origin given: name the pages' origins, such as \"https://app.example\","
          + " or \"*\" for any");
    }
    List<String> list = new ArrayList<>();
    for (String o : origins) {
      Objects.requireNonNull(o, "origin");
      if (!o.equals("*") && (!o.matches("[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\\s]+") || o.endsWith("/"))) {
        throw new IllegalArgumentException("not an origin: '" + o + "' (expected scheme://host[:port], with no path,"
            + " such as http://localhost:8080, or \"*\")");
      }
      list.add(o.equals("*") ? o : o.toLowerCase(Locale.ROOT));
    }
    return new Cors(List.copyOf(list), false, Duration.ofHours(2), List.of(), List.of());
  }

  /**
   * A copy that lets browsers send cookies and HTTP authentication with their calls
   * ({@code Access-Control-Allow-Credentials: true}). With {@code "*"} the request's own origin is
   * echoed, as browsers require.
   *
   * @param allow whether to allow credentials
   * @return the copy
   */
  public Cors withCredentials(boolean allow) {
    return new Cors(origins, allow, maxAge, allowedHeaders, exposedHeaders);
  }

  /**
   * A copy telling browsers how long they may cache a preflight answer (default 2 hours).
   *
   * @param maxAge how long, at least zero
   * @return the copy
   */
  public Cors withMaxAge(Duration maxAge) {
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
    }
    return new Cors(origins, credentials, maxAge, allowedHeaders, exposedHeaders);
  }

  /**
   * A copy that also allows these request headers (your own metadata keys).
   *
   * @param headers header names
   * @return the copy
   */
  public Cors withAllowedHeaders(String... headers) {
    return new Cors(origins, credentials, maxAge, join(allowedHeaders, headers), exposedHeaders);
  }

  /**
   * A copy that also lets pages read these response headers and trailers (your own metadata keys).
   *
   * @param headers header names
   * @return the copy
   */
  public Cors withExposedHeaders(String... headers) {
    return new Cors(origins, credentials, maxAge, allowedHeaders, join(exposedHeaders, headers));
  }

  private static List<String> join(List<String> list, String... more) {
    List<String> out = new ArrayList<>(list);
    for (String h : more) {
      if (Objects.requireNonNull(h, "header").isBlank() || !h.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        throw new IllegalArgumentException("not a header name: '" + h + "'");
      }
      out.add(h);
    }
    return List.copyOf(out);
  }

  /**
   * Whether a page from {@code origin} may call.
   *
   * @param origin the request's {@code Origin} header
   * @return whether it is allowed
   */
  public boolean allowsOrigin(String origin) {
    return origin != null && (origins.contains("*") || origins.contains(origin.toLowerCase(Locale.ROOT)));
  }

  /** {@return the allowed origins, as given} */
  public List<String> origins() {
    return origins;
  }

  /** {@return whether browsers may send credentials} */
  public boolean allowsCredentials() {
    return credentials;
  }

  /** {@return how long browsers may cache a preflight answer} */
  public Duration maxAge() {
    return maxAge;
  }

  /** {@return every allowed request header: the protocols' own, then those added} */
  public List<String> allowedHeaders() {
    List<String> all = new ArrayList<>(PROTOCOL_REQUEST_HEADERS);
    all.addAll(allowedHeaders);
    return List.copyOf(all);
  }

  /** {@return every exposed response header: the protocols' own, then those added} */
  public List<String> exposedHeaders() {
    List<String> all = new ArrayList<>(PROTOCOL_RESPONSE_HEADERS);
    all.addAll(exposedHeaders);
    return List.copyOf(all);
  }

  @Override
  public String toString() {
    return "Cors{origins=" + origins + (credentials ? ", credentials" : "") + ", maxAge=" + maxAge + "}";
  }
}
