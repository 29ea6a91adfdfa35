package rpc.api;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import rpc.api.internal.server.ServerCore;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.Target;

/**
 * Serves the calls of one or more services at one address.
 * Thread-safe. Every call's handler runs on its own virtual thread (or on the
 * {@linkplain Builder#executor configured executor}), so handlers may block.
 *
 * <p>Lifecycle: {@link Builder#build()} → {@link #start()} → {@link #shutdown()} (graceful: no new
 * calls, calls in flight finish) or {@link #shutdownNow()} (calls in flight are cancelled) →
 * {@link #awaitTermination}.
 */
public final class Server {

  private final ServerCore core;

  private Server(ServerCore core) {
    this.core = core;
  }

  /** {@return a new builder} */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Starts listening.
   *
   * @return this server
   * @throws IOException if the address cannot be bound
   * @throws IllegalStateException if already started or shut down
   */
  public Server start() throws IOException {
    core.start();
    return this;
  }

  /** {@return the bound address as text ({@code 127.0.0.1:50051}, {@code inprocess:NAME})} */
  public String address() {
    return core.address();
  }

  /** {@return the bound TCP port (useful after listening on port 0), or -1 for a transport without ports} */
  public int port() {
    return core.port();
  }

  /** {@return the registered services} */
  public List<ServiceDefinition> services() {
    return core.services();
  }

  /**
   * Graceful shutdown: stops taking new calls (they fail {@code UNAVAILABLE}) and lets calls in
   * flight finish; the server terminates when the last one does. Idempotent.
   */
  public void shutdown() {
    core.shutdown();
  }

  /** Cancels calls in flight and stops at once. Idempotent. */
  public void shutdownNow() {
    core.shutdownNow();
  }

  /** {@return whether shutdown has begun} */
  public boolean isShutdown() {
    return core.isShutdown();
  }

  /** {@return whether the server has stopped and every call has ended} */
  public boolean isTerminated() {
    return core.isTerminated();
  }

  /**
   * Waits for termination; true if it happened within {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return true if the server terminated within {@code timeout}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return core.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Registers {@code action} to run once, when shutdown begins (before calls are drained). For
   * standard services that must react, such as health checking.
   *
   * @param action what to run when shutdown begins
   */
  public void onShutdown(Runnable action) {
    core.onShutdown(action);
  }

  @Override
  public String toString() {
    return "Server{" + core.address() + ", services=" + core.services().size() + "}";
  }

  /** Builds a {@link Server}. Not thread-safe; the server it builds is. */
  public static final class Builder {
    private String address;
    private String transport;
    private final Map<String, ServiceDefinition> services = new LinkedHashMap<>();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private final List<CallTracer.Factory> tracers = new ArrayList<>();
    private Executor executor;
    private int maxInboundMessageSize = 4 * 1024 * 1024;
    private SSLContext sslContext;
    private boolean requireClientAuth;
    private int maxConcurrentStreams = 1000;
    private Duration idleTimeout;
    private Cors cors;
    private final Map<String, String> options = new HashMap<>();

    private Builder() {}

    /**
     * Where to listen: {@code inprocess:NAME}, or {@code host:port} for a network transport
     * ({@code 127.0.0.1:0} binds an ephemeral port; see {@link Server#port()}). A network address
     * must name its port: {@code build()} refuses {@code "127.0.0.1"} alone, since a channel given
     * the same string would dial port 80.
     *
     * @param address the address to listen on
     * @return this builder
     */
    public Builder listen(String address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Listens on {@code host:port} with a network transport.
     *
     * @param host the host name or IP address to bind
     * @param port the TCP port, or 0 for an ephemeral one
     * @return this builder
     */
    public Builder listen(String host, int port) {
      return listen((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    /**
     * Uses the transport with this name whatever the address scheme.
     *
     * @param name the transport's name ({@code "jetty"}, {@code "inprocess"})
     * @return this builder
     */
    public Builder transport(String name) {
      this.transport = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Adds a service.
     *
     * @param service the service
     * @return this builder
     * @throws IllegalArgumentException if a service with the same name was added
     */
    public Builder addService(ServiceDefinition service) {
      Objects.requireNonNull(service, "service");
      if (services.putIfAbsent(service.name(), service) != null) {
        throw new IllegalArgumentException("service added twice: " + service.name());
      }
      return this;
    }

    /**
     * Adds interceptors around every call; the first added runs first (outermost).
     *
     * @param interceptors the interceptors, in order
     * @return this builder
     */
    public Builder intercept(ServerInterceptor... interceptors) {
      for (ServerInterceptor i : interceptors) {
        this.interceptors.add(Objects.requireNonNull(i, "interceptor"));
      }
      return this;
    }

    /**
     * Traces every call the server accepts with a tracer from {@code factory}: its wire events,
     * and the handler's start and end on the handler's thread (see {@link CallTracer}). Several
     * factories may be added; their tracers see each event in the order added. Calls the transport
     * refuses before they reach the server (an unknown method, a malformed request) are not traced.
     *
     * @param factory creates each call's tracer
     * @return this builder
     */
    public Builder tracer(CallTracer.Factory factory) {
      tracers.add(Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /**
     * Runs handlers on {@code executor} instead of a new virtual thread per call. The executor must
     * start each task promptly (handlers block).
     *
     * @param executor the executor, or null for a new virtual thread per call
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * The largest request message accepted (default 4 MiB); larger ones fail {@code RESOURCE_EXHAUSTED}.
     *
     * @param bytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("bytes must be positive: " + bytes);
      }
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /**
     * Serves TLS (ALPN h2) with this context's key material.
     *
     * @param context the key material, or null for plaintext
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    /**
     * With TLS, requires clients to present a certificate the context trusts (mutual TLS).
     *
     * @param require whether clients must present a trusted certificate
     * @return this builder
     */
    public Builder requireClientAuth(boolean require) {
      this.requireClientAuth = require;
      return this;
    }

    /**
     * The most calls one connection may have open at once (default 1000); calls beyond it wait on
     * the client. For network transports: in-process calls have no connection to limit.
     *
     * @param streams the limit per connection
     * @return this builder
     * @throws IllegalArgumentException if {@code streams} is not positive
     */
    public Builder maxConcurrentStreams(int streams) {
      if (streams <= 0) {
        throw new IllegalArgumentException("streams must be positive: " + streams);
      }
      this.maxConcurrentStreams = streams;
      return this;
    }

    /**
     * Closes connections that carried no call for this long.
     *
     * @param timeout the idle time, or null for the transport's default
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Lets web pages on other origins call this server from a browser (gRPC-Web and the Connect
     * protocol, on HTTP transports): CORS headers on their responses and answers to their preflight
     * requests. None by default. Transports without HTTP ignore it.
     *
     * @param cors the rules, such as {@code Cors.allowOrigins("https://app.example")}, or null
     * @return this builder
     */
    public Builder cors(Cors cors) {
      this.cors = cors;
      return this;
    }

    /**
     * A transport-specific setting (documented by the transport, such as {@code
     * rpc.transport.jetty.JettyTransportOptions}). A key the chosen transport does not read fails
     * {@link #build()} with an {@link IllegalArgumentException} naming the keys it does read.
     *
     * @param key the setting's name
     * @param value its value
     * @return this builder
     */
    public Builder option(String key, String value) {
      options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Builds the server (not started).
     *
     * @return the new server
     * @throws IllegalStateException if no address was given
     * @throws IllegalArgumentException if the address is malformed or has no port, no transport
     *     serves it, or an {@linkplain #option option} key is unknown to the transport
     */
    public Server build() {
      if (address == null) {
        throw new IllegalStateException("no address: call listen(\"127.0.0.1:0\") or listen(\"inprocess:NAME\")");
      }
      ServerTransportConfig config = new ServerTransportConfig(Target.parse(address), maxInboundMessageSize,
          sslContext, requireClientAuth, maxConcurrentStreams, idleTimeout, options, cors);
      return new Server(new ServerCore(config, transport, List.copyOf(services.values()), List.copyOf(interceptors),
          List.copyOf(tracers), executor));
    }
  }
}
