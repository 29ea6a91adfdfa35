package rpc.api;

import java.util.Objects;

/**
 * Describes one remote method: its full name ({@code package.Service/Method}), the kind of call,
 * and the codecs of its request and response messages.
 * Immutable.
 *
 * @param <Req> request message type
 * @param <Resp> response message type
 */
public final class MethodDescriptor<Req, Resp> {

  /** The four kinds of gRPC call. */
  public enum Kind {
    /** One request, one response. */
    UNARY(false, false),
    /** Many requests, one response. */
    CLIENT_STREAMING(true, false),
    /** One request, many responses. */
    SERVER_STREAMING(false, true),
    /** Many requests and many responses, in both directions at once. */
    BIDI_STREAMING(true, true);

    private final boolean clientStreams;
    private final boolean serverStreams;

    Kind(boolean clientStreams, boolean serverStreams) {
      this.clientStreams = clientStreams;
      this.serverStreams = serverStreams;
    }

    /** {@return whether the client sends more than one message} */
    public boolean clientStreams() {
      return clientStreams;
    }

    /** {@return whether the server sends more than one message} */
    public boolean serverStreams() {
      return serverStreams;
    }
  }

  /**
   * What calling a method more than once does, as protobuf's {@code idempotency_level} method
   * option declares it. HTTP front ends use it: the Connect protocol lets a browser call a
   * {@link #NO_SIDE_EFFECTS} method with a cacheable GET.
   */
  public enum Idempotency {
    /** Nothing declared: the method may change state on every call (the default). */
    UNKNOWN,
    /** Calling again with the same request has no further effect. */
    IDEMPOTENT,
    /** The method changes nothing (and so is idempotent too). */
    NO_SIDE_EFFECTS
  }

  private final String fullName;
  private final String serviceName;
  private final String methodName;
  private final Kind kind;
  private final Codec<Req> requestCodec;
  private final Codec<Resp> responseCodec;
  private final Object schema;
  private final Idempotency idempotency;

  private MethodDescriptor(String fullName, Kind kind, Codec<Req> requestCodec, Codec<Resp> responseCodec,
      Object schema, Idempotency idempotency) {
    this.fullName = Objects.requireNonNull(fullName, "fullName");
    int slash = fullName.indexOf('/');
    if (slash <= 0 || slash == fullName.length() - 1 || fullName.indexOf('/', slash + 1) >= 0
        || fullName.startsWith("/")) {
      throw new IllegalArgumentException("full method name must be 'package.Service/Method': " + fullName);
    }
    this.serviceName = fullName.substring(0, slash);
    this.methodName = fullName.substring(slash + 1);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.requestCodec = Objects.requireNonNull(requestCodec, "requestCodec");
    this.responseCodec = Objects.requireNonNull(responseCodec, "responseCodec");
    this.schema = schema;
    this.idempotency = Objects.requireNonNull(idempotency, "idempotency");
  }

  /**
   * A descriptor for {@code fullName} ({@code package.Service/Method}).
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param fullName the full method name
   * @param kind the kind of call
   * @param requestCodec the codec of request messages
   * @param responseCodec the codec of response messages
   * @return a descriptor without schema
   * @throws IllegalArgumentException if {@code fullName} is not of the form {@code package.Service/Method}
   */
  public static <Req, Resp> MethodDescriptor<Req, Resp> of(String fullName, Kind kind, Codec<Req> requestCodec,
      Codec<Resp> responseCodec) {
    return new MethodDescriptor<>(fullName, kind, requestCodec, responseCodec, null, Idempotency.UNKNOWN);
  }

  /**
   * Joins a service and method name into a full method name.
   *
   * @param serviceName the service name, {@code package.Service}
   * @param methodName the method name
   * @return {@code serviceName/methodName}
   */
  public static String fullName(String serviceName, String methodName) {
    return serviceName + "/" + methodName;
  }

  /**
   * A copy carrying {@code schema}: an opaque object describing the method (generated code sets a
   * protobuf method descriptor; server reflection reads it).
   *
   * @param schema the schema object, or null
   * @return the copy
   */
  public MethodDescriptor<Req, Resp> withSchema(Object schema) {
    return new MethodDescriptor<>(fullName, kind, requestCodec, responseCodec, schema, idempotency);
  }

  /**
   * A copy declaring {@code idempotency} (generated code copies the method's
   * {@code idempotency_level} option).
   *
   * @param idempotency what calling the method again does
   * @return the copy
   */
  public MethodDescriptor<Req, Resp> withIdempotency(Idempotency idempotency) {
    return new MethodDescriptor<>(fullName, kind, requestCodec, responseCodec, schema, idempotency);
  }

  /**
   * A copy whose request and response codecs are these (same name, kind, schema and idempotency):
   * for calling the same method in another wire format, such as JSON.
   *
   * @param <Q> the request type of the new codecs
   * @param <R> the response type of the new codecs
   * @param requestCodec the codec of request messages
   * @param responseCodec the codec of response messages
   * @return the copy
   */
  public <Q, R> MethodDescriptor<Q, R> withCodecs(Codec<Q> requestCodec, Codec<R> responseCodec) {
    return new MethodDescriptor<>(fullName, kind, requestCodec, responseCodec, schema, idempotency);
  }

  /** {@return what calling this method again does; {@link Idempotency#UNKNOWN} unless declared} */
  public Idempotency idempotency() {
    return idempotency;
  }

  /** {@return the full name, {@code package.Service/Method}} */
  public String fullName() {
    return fullName;
  }

  /** {@return the HTTP/2 {@code :path}, {@code /package.Service/Method}} */
  public String path() {
    return "/" + fullName;
  }

  /** {@return the service part, {@code package.Service}} */
  public String serviceName() {
    return serviceName;
  }

  /** {@return the method part, {@code Method}} */
  public String methodName() {
    return methodName;
  }

  /** {@return the kind of call} */
  public Kind kind() {
    return kind;
  }

  /** {@return the codec of request messages} */
  public Codec<Req> requestCodec() {
    return requestCodec;
  }

  /** {@return the codec of response messages} */
  public Codec<Resp> responseCodec() {
    return responseCodec;
  }

  /** {@return the schema object set by {@link #withSchema}, or null} */
  public Object schema() {
    return schema;
  }

  @Override
  public String toString() {
    return fullName + " (" + kind + ")";
  }
}
