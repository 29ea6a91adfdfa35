package rpc.transport.jetty;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;

/**
 * Several servers of one service on loopback addresses (127.0.0.1, 127.0.0.2, ... all reach this
 * machine on Linux), each answering {@link #WHO} with its own label and counting its calls.
 * Not thread-safe for starting and stopping; the counts are.
 */
final class Replicas implements AutoCloseable {
  static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.of("test.Replica/Who", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);

  private final List<Server> servers = new ArrayList<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, Server> byLabel = new ConcurrentHashMap<>();

  /** {@return the replica started at {@code host:port}} */
  Server server(String hostAndPort) {
    return byLabel.get(hostAndPort);
  }

  /** Starts a replica on {@code host:port} (port 0: any free one) and returns it. */
  Server start(String host, int port) throws IOException {
    return startWith(host, port, b -> b);
  }

  /** Starts a replica on {@code host:port} with extra server settings. */
  Server startWith(String host, int port, java.util.function.UnaryOperator<Server.Builder> settings) throws IOException {
    Server.Builder builder = settings.apply(Server.newBuilder().listen(host, port));
    Server[] self = new Server[1];
    builder.addService(ServiceDefinition.newBuilder("test.Replica")
        .unary(WHO, (req, ctx) -> {
          String me = host + ":" + self[0].port();
          calls.computeIfAbsent(me, k -> new AtomicInteger()).incrementAndGet();
          return me;
        })
        .build());
    Server server = builder.build().start();
    self[0] = server;
    servers.add(server);
    byLabel.put(host + ":" + server.port(), server);
    return server;
  }

  /** {@return how many calls the replica {@code host:port} has answered} */
  int calls(String hostAndPort) {
    AtomicInteger n = calls.get(hostAndPort);
    return n == null ? 0 : n.get();
  }

  /** {@return the calls answered so far, by replica} */
  Map<String, Integer> counts() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  void resetCounts() {
    calls.clear();
  }

  @Override
  public void close() throws InterruptedException {
    for (Server s : servers) {
      s.shutdownNow();
    }
    for (Server s : servers) {
      s.awaitTermination(java.time.Duration.ofSeconds(10));
    }
  }
}
