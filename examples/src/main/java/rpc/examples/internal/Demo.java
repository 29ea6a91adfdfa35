package rpc.examples.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.ServerCallHandler;
import rpc.api.ServerInterceptor;
import rpc.api.ServerStream;
import rpc.api.ServiceDefinition;

/**
 * One run of an example: its own server (unless {@code --target} names one) and a channel to it.
 * Closing it closes the channel and shuts the server down gracefully.
 *
 * <p>Thread-safe: the channel may be used from any number of threads; {@link #close} once, from
 * the thread that started the demo.
 */
public final class Demo implements AutoCloseable {
  private static final AtomicLong IN_PROCESS_NAMES = new AtomicLong();

  private final Server server;
  private final Channel channel;
  private final Set<String> peers;
  private final Telemetry telemetry;

  private Demo(Server server, Channel channel, Set<String> peers, Telemetry telemetry) {
    this.server = server;
    this.channel = channel;
    this.peers = peers;
    this.telemetry = telemetry;
  }

  /**
   * Starts the example's server with {@code services} (unless the options name a target) and opens
   * a channel to it, reporting both on {@code out}.
   */
  public static Demo start(String example, Options options, PrintStream out, List<ServiceDefinition> services)
      throws IOException {
    Telemetry telemetry = options.otel() ? new Telemetry() : null;
    if (options.target() != null) {
      Channel channel = instrument(Channel.newBuilder(options.target()), telemetry).build();
      out.println("calling " + options.target() + " via " + channel.transportName());
      return new Demo(null, channel, null, telemetry);
    }
    Set<String> peers = ConcurrentHashMap.newKeySet();
    Server server = startServer(example, options, services, peers, telemetry, builder -> {});
    String target = options.transport().equals(Options.INPROCESS) ? server.address() : "127.0.0.1:" + server.port();
    Channel channel = instrument(Channel.newBuilder(target).transport(options.transport()), telemetry).build();
    out.println(example + " server listening on " + server.address() + describe(options.transport()));
    return new Demo(server, channel, peers, telemetry);
  }

  /** Runs only the server, until the process is stopped. */
  public static void serve(String example, Options options, PrintStream out, List<ServiceDefinition> services)
      throws IOException, InterruptedException {
    if (options.transport().equals(Options.INPROCESS)) {
      throw new IllegalArgumentException("--server-only needs a network transport: in-process servers are only"
          + " reachable from their own JVM");
    }
    Telemetry telemetry = options.otel() ? new Telemetry() : null;
    Server server = startServer(example, options, services, ConcurrentHashMap.newKeySet(), telemetry, builder -> {});
    out.println(example + " server listening on " + server.address() + describe(options.transport())
        + "; stop it with Ctrl-C");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      if (telemetry != null) {
        telemetry.close(); // prints the metrics
      }
      stopped.countDown();
    }, example + "-shutdown"));
    stopped.await();
  }

  private static String describe(String transport) {
    return transport.equals(Options.INPROCESS) ? " (in-process)" : " (" + transport + ", HTTP/2 cleartext)";
  }

  private static Channel.Builder instrument(Channel.Builder builder, Telemetry telemetry) {
    return telemetry == null ? builder : telemetry.instrument(builder);
  }

  /**
   * Starts an example's server on 127.0.0.1, on {@code --port}, with {@code services} and the
   * standard ones, after {@code configure} has set what the example adds (such as CORS). For an
   * example that serves until stopped and shuts the server down itself.
   *
   * @throws IllegalArgumentException if the options ask for the in-process transport, a target or
   *     {@code --otel}, which such an example does not offer
   */
  public static Server startServer(String example, Options options, List<ServiceDefinition> services,
      Consumer<Server.Builder> configure) throws IOException {
    if (options.transport().equals(Options.INPROCESS)) {
      throw new IllegalArgumentException(example + " serves over the network: --transport inprocess does not apply");
    }
    if (options.target() != null || options.otel()) {
      throw new IllegalArgumentException(example + " only serves: it takes no --target or --otel");
    }
    return startServer(example, options, services, ConcurrentHashMap.newKeySet(), null, configure);
  }

  private static Server startServer(String example, Options options, List<ServiceDefinition> services,
      Set<String> peers, Telemetry telemetry, Consumer<Server.Builder> configure) throws IOException {
    Server.Builder builder = Server.newBuilder().transport(options.transport());
    if (telemetry != null) {
      telemetry.instrument(builder);
    }
    if (options.transport().equals(Options.INPROCESS)) {
      builder.listen("inprocess:" + example + "-" + IN_PROCESS_NAMES.incrementAndGet());
    } else {
      builder.listen("127.0.0.1", options.port());
    }
    services.forEach(builder::addService);
    builder.intercept(new PeerRecorder(peers));
    configure.accept(builder);
    StandardServices standard = new StandardServices();
    standard.addTo(builder);
    return standard.attach(builder.build(), services).start();
  }

  /** The channel to the example's server. */
  public Channel channel() {
    return channel;
  }

  /**
   * How many connections the server saw calls on (distinct peer addresses), or -1 when the
   * server runs elsewhere. An in-process server sees one peer.
   */
  public int connections() {
    return peers == null ? -1 : peers.size();
  }

  /** "over N connection(s)", or nothing when the server runs elsewhere. */
  public String connectionsText() {
    int n = connections();
    return n < 0 ? "" : " over " + n + (n == 1 ? " connection" : " connections");
  }

  @Override
  public void close() throws InterruptedException {
    channel.close();
    channel.awaitTermination(Duration.ofSeconds(10));
    if (server != null) {
      server.shutdown();
      if (!server.awaitTermination(Duration.ofSeconds(10))) {
        server.shutdownNow();
      }
    }
    if (telemetry != null) {
      telemetry.close(); // prints the metrics (and the last spans)
    }
  }

  /**
   * Records the peer of every call. Each connection has its own client address and port, so the
   * number of distinct peers is the number of connections the calls came over.
   */
  private record PeerRecorder(Set<String> peers) implements ServerInterceptor {
    @Override
    public <Req, Resp> void intercept(ServerStream<Resp, Req> stream, ServerCallHandler<Req, Resp> next)
        throws Exception {
      peers.add(stream.context().peer());
      next.handle(stream);
    }
  }
}
