package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.testkit.SpiMethods.BARRIER;
import static rpc.testkit.SpiMethods.bytes;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.TransportProvider;

/**
 * The base of the transport-level groups: drives a transport's {@link ClientTransport} and
 * {@link ServerTransport} through the SPI, with no channel or server in between. Not thread-safe,
 * except that the transports it opens and the listeners it records may be used from any thread the
 * test starts: JUnit makes one instance per test.
 *
 * <p>It creates transports through the hooks of {@link TransportConformanceTest}, serves
 * {@link SpiMethods} with a {@link RecordingServerAcceptor}, and after each test shuts everything
 * down and fails the test if a transport did not terminate or any recording listener saw a broken
 * promise, whenever that happened (during the test or during the shutdown).
 *
 * <p>Every test has a timeout (this class's {@link Timeout}, inherited), run on a separate thread
 * so a hang fails the test instead of blocking the build. Waits are bounded by {@link #WAIT}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class AbstractSpiTest {

  /** How long any wait may take before it counts as a hang; generous for busy machines. */
  static final Duration WAIT = AbstractTransportTest.WAIT;

  /** The server side of every server transport the test starts. */
  final RecordingServerAcceptor acceptor = new RecordingServerAcceptor(SpiMethods.REGISTERED);

  private final TransportConformanceTest transport;
  private final Map<ServerTransport, ServerTransportConfig> servers = new LinkedHashMap<>();
  private final Map<ClientTransport, ClientTransportConfig> clients = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<RecordingClientListener<?>> clientListeners = new ConcurrentLinkedQueue<>();
  private TransportProvider provider;

  AbstractSpiTest(TransportConformanceTest transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    acceptor.answer(BARRIER, answer -> {
      answer.whenHalfClose(() -> {
        answer.call().send(bytes("barrier"));
        answer.close(Status.OK, new Metadata());
      });
      answer.call().request(1);
    });
  }

  private TransportProvider provider() {
    if (provider == null) {
      provider = transport.transportProvider();
    }
    return provider;
  }

  /** Starts a server transport at a fresh address; shut down after the test. */
  ServerTransport startServer() throws IOException {
    ServerTransportConfig config = transport.serverTransportConfig();
    ServerTransport server = provider().newServerTransport(config);
    servers.put(server, config);
    server.start(acceptor);
    return server;
  }

  /** A client transport that reaches {@code server}; shut down after the test. */
  ClientTransport connect(ServerTransport server) {
    ClientTransportConfig config = transport.clientTransportConfig(server);
    ClientTransport client = provider().newClientTransport(config);
    clients.put(client, config);
    return client;
  }

  /** The largest request message {@code server} accepts, as configured. */
  int maxInboundMessageSize(ServerTransport server) {
    return servers.get(server).maxInboundMessageSize();
  }

  /** The largest response message {@code client} accepts, as configured. */
  int maxInboundMessageSize(ClientTransport client) {
    return clients.get(client).maxInboundMessageSize();
  }

  /** Starts a new call of {@code method} on {@code client} with {@code listener}. */
  ClientCall<byte[], byte[]> start(ClientTransport client, MethodDescriptor<byte[], byte[]> method,
      RecordingClientListener<byte[]> listener) {
    return start(client.newCall(method, CallOptions.DEFAULT), listener);
  }

  /** Starts {@code call} with {@code listener}; its callbacks are checked after the test. */
  ClientCall<byte[], byte[]> start(ClientCall<byte[], byte[]> call, RecordingClientListener<byte[]> listener) {
    clientListeners.add(listener);
    call.start(listener, new Metadata());
    return call;
  }

  /**
   * A unary round trip on {@code client} that the server answers on its own. When it completes,
   * what the client sent earlier on the transport has reached the server and what the server sent
   * earlier has reached the client: an ordering barrier, so a test can say "nothing more came"
   * without sleeping.
   */
  void barrier(ClientTransport client) throws InterruptedException {
    RecordingClientListener<byte[]> listener = new RecordingClientListener<>("barrier");
    ClientCall<byte[], byte[]> call = start(client, BARRIER, listener);
    call.request(1);
    call.send(bytes("barrier"));
    call.halfClose();
    Status status = listener.awaitClose(WAIT);
    assertEquals(Status.Code.OK, status.code(), () -> "the barrier call failed: " + listener.describe());
  }

  /** The callbacks without {@code onReady}, which may come at any time and so cannot be listed exactly. */
  static List<String> withoutReady(List<String> callbacks) {
    return callbacks.stream().filter(c -> !c.equals(CallbackRecorder.ON_READY)).toList();
  }

  /** Fails, with what both saw, if either listener recorded a broken promise. */
  static void assertClean(RecordingClientListener<?> client, RecordingServerListener<?, ?> server) {
    assertClean(client);
    assertEquals(List.of(), server.violations(), server::describe);
  }

  /** Fails, with what it saw, if the listener recorded a broken promise. */
  static void assertClean(RecordingClientListener<?> client) {
    assertEquals(List.of(), client.violations(), client::describe);
  }

  /** Shuts down everything the test opened, clients first; checks termination and every listener. */
  @AfterEach
  void closeEverything() throws InterruptedException {
    List<String> problems = new ArrayList<>();
    clients.keySet().forEach(ClientTransport::shutdownNow);
    servers.keySet().forEach(ServerTransport::shutdownNow);
    for (ClientTransport c : clients.keySet()) {
      if (!c.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        problems.add(c + " did not terminate after shutdownNow");
      }
    }
    for (ServerTransport s : servers.keySet()) {
      if (!s.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        problems.add(s + " did not terminate after shutdownNow");
      }
    }
    for (RecordingClientListener<?> l : clientListeners) {
      l.violations().forEach(v -> problems.add(l + ": " + v));
    }
    for (RecordingServerListener<?, ?> l : acceptor.all()) {
      l.violations().forEach(v -> problems.add(l + ": " + v));
    }
    clients.clear();
    servers.clear();
    assertTrue(problems.isEmpty(), () -> "broken SPI promises:\n  " + String.join("\n  ", problems));
  }
}
