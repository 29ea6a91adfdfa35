package rpc.api;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A named service and the handlers of its methods, ready to add to a {@link Server}.
 * Immutable once built. Built with {@link #newBuilder(String)}; the builder is not thread-safe.
 */
public final class ServiceDefinition {

  /**
   * One method of a service and the handler that serves it. Immutable.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param descriptor the method
   * @param handler the handler that serves it
   */
  public record Method<Req, Resp>(MethodDescriptor<Req, Resp> descriptor, ServerCallHandler<Req, Resp> handler) {
    /** Checks for nulls. */
    public Method {
      Objects.requireNonNull(descriptor, "descriptor");
      Objects.requireNonNull(handler, "handler");
    }
  }

  private final String name;
  private final Map<String, Method<?, ?>> methods;
  private final Object schema;

  private ServiceDefinition(Builder b) {
    this.name = b.name;
    this.methods = Collections.unmodifiableMap(new LinkedHashMap<>(b.methods));
    this.schema = b.schema;
  }

  /**
   * A builder for the service {@code package.Service}.
   *
   * @param serviceName the service name
   * @return a new builder
   * @throws IllegalArgumentException if the name is empty or contains {@code /}
   */
  public static Builder newBuilder(String serviceName) {
    return new Builder(serviceName);
  }

  /** {@return the service name, {@code package.Service}} */
  public String name() {
    return name;
  }

  /** {@return the methods, in the order they were added} */
  public Collection<Method<?, ?>> methods() {
    return methods.values();
  }

  /**
   * The method with the given full name ({@code package.Service/Method}), or null.
   *
   * @param fullMethodName the full method name
   * @return the method, or null if the service has none of that name
   */
  public Method<?, ?> method(String fullMethodName) {
    return methods.get(fullMethodName);
  }

  /**
   * A schema object set on the builder, or null: generated code sets the protobuf
   * {@code Descriptors.ServiceDescriptor}, which server reflection reads.
   *
   * @return the schema object, or null
   */
  public Object schema() {
    return schema;
  }

  @Override
  public String toString() {
    return "ServiceDefinition{" + name + ", methods=" + methods.keySet() + "}";
  }

  /** Builds a {@link ServiceDefinition}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Map<String, Method<?, ?>> methods = new LinkedHashMap<>();
    private Object schema;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "serviceName");
      if (name.isEmpty() || name.contains("/")) {
        throw new IllegalArgumentException("invalid service name: '" + name + "'");
      }
    }

    /**
     * Adds a unary method.
     *
     * @param <Req> the request message type
     * @param <Resp> the response message type
     * @param method a unary method
     * @param handler its handler
     * @return this builder
     * @throws IllegalArgumentException if the method is of another kind or service, or was added
     *     already
     */
    public <Req, Resp> Builder unary(MethodDescriptor<Req, Resp> method, UnaryHandler<Req, Resp> handler) {
      Objects.requireNonNull(handler, "handler");
      return add(method, MethodDescriptor.Kind.UNARY, rpc.api.internal.server.Handlers.unary(handler));
    }

    /**
     * Adds a client-streaming method.
     *
     * @param <Req> the request message type
     * @param <Resp> the response message type
     * @param method a client-streaming method
     * @param handler its handler
     * @return this builder
     * @throws IllegalArgumentException if the method is of another kind or service, or was added
     *     already
     */
    public <Req, Resp> Builder clientStreaming(MethodDescriptor<Req, Resp> method,
        ClientStreamingHandler<Req, Resp> handler) {
      Objects.requireNonNull(handler, "handler");
      return add(method, MethodDescriptor.Kind.CLIENT_STREAMING, rpc.api.internal.server.Handlers.clientStreaming(handler));
    }

    /**
     * Adds a server-streaming method.
     *
     * @param <Req> the request message type
     * @param <Resp> the response message type
     * @param method a server-streaming method
     * @param handler its handler
     * @return this builder
     * @throws IllegalArgumentException if the method is of another kind or service, or was added
     *     already
     */
    public <Req, Resp> Builder serverStreaming(MethodDescriptor<Req, Resp> method,
        ServerStreamingHandler<Req, Resp> handler) {
      Objects.requireNonNull(handler, "handler");
      return add(method, MethodDescriptor.Kind.SERVER_STREAMING, rpc.api.internal.server.Handlers.serverStreaming(handler));
    }

    /**
     * Adds a bidi-streaming method.
     *
     * @param <Req> the request message type
     * @param <Resp> the response message type
     * @param method a bidi-streaming method
     * @param handler its handler
     * @return this builder
     * @throws IllegalArgumentException if the method is of another kind or service, or was added
     *     already
     */
    public <Req, Resp> Builder bidiStreaming(MethodDescriptor<Req, Resp> method,
        BidiStreamingHandler<Req, Resp> handler) {
      Objects.requireNonNull(handler, "handler");
      return add(method, MethodDescriptor.Kind.BIDI_STREAMING, handler::handle);
    }

    /**
     * Adds a method of any kind with a handler in the general form (the handler must respect the
     * method's kind).
     *
     * @param <Req> the request message type
     * @param <Resp> the response message type
     * @param method the method
     * @param handler its handler
     * @return this builder
     * @throws IllegalArgumentException if the method belongs to another service or was added already
     */
    public <Req, Resp> Builder method(MethodDescriptor<Req, Resp> method, ServerCallHandler<Req, Resp> handler) {
      Objects.requireNonNull(handler, "handler");
      return add(method, method.kind(), handler);
    }

    /**
     * Sets the schema object (see {@link ServiceDefinition#schema()}).
     *
     * @param schema the schema object, or null
     * @return this builder
     */
    public Builder schema(Object schema) {
      this.schema = schema;
      return this;
    }

    private <Req, Resp> Builder add(MethodDescriptor<Req, Resp> method, MethodDescriptor.Kind kind,
        ServerCallHandler<Req, Resp> handler) {
      Objects.requireNonNull(method, "method");
      if (method.kind() != kind) {
        throw new IllegalArgumentException(method.fullName() + " is " + method.kind() + ", not " + kind);
      }
      if (!method.serviceName().equals(name)) {
        throw new IllegalArgumentException(method.fullName() + " does not belong to service " + name);
      }
      if (methods.putIfAbsent(method.fullName(), new Method<>(method, handler)) != null) {
        throw new IllegalArgumentException("method added twice: " + method.fullName());
      }
      return this;
    }

    /**
     * The service definition.
     *
     * @return the service definition
     */
    public ServiceDefinition build() {
      return new ServiceDefinition(this);
    }
  }
}
