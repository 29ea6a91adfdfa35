package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * The base of every conformance test group. Not thread-safe, except that the servers and channels
 * it opens may be used from any thread the test starts: JUnit makes one instance per test.
 *
 * <p>It starts servers and opens channels through the transport's hooks (see
 * {@link TransportConformanceTest}) and shuts them all down after each test, so a test only says
 * what it calls.
 *
 * <p>Every test of a group has a timeout (this class's {@link Timeout}, inherited), run on a
 * separate thread so a hang fails the test instead of blocking the build.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class AbstractTransportTest {

  /** How long any wait in a test may take before it counts as a hang; generous for busy machines. */
  protected static final Duration WAIT = Duration.ofSeconds(10);

  /** The recording service, fresh for each test. */
  protected final FakeService service = new FakeService();

  private final TransportConformanceTest transport;
  private final List<Server> servers = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();

  /**
   * A group of tests run through {@code transport}'s hooks.
   *
   * @param transport the transport's conformance test, whose hooks make servers and channels
   */
  protected AbstractTransportTest(TransportConformanceTest transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /**
   * Starts a server with {@code services} at a fresh address; it is shut down after the test.
   *
   * @param services the services to serve
   * @return the started server
   * @throws IOException if the server cannot bind its address
   */
  protected Server startServer(ServiceDefinition... services) throws IOException {
    return startServer(UnaryOperator.identity(), services);
  }

  /**
   * Starts a server with {@code services}, letting {@code customizer} adjust the builder (after the
   * transport's {@link TransportConformanceTest#configureServer}).
   *
   * @param customizer adjusts the builder
   * @param services the services to serve
   * @return the started server
   * @throws IOException if the server cannot bind its address
   */
  protected Server startServer(UnaryOperator<Server.Builder> customizer, ServiceDefinition... services)
      throws IOException {
    Server.Builder b = Server.newBuilder().listen(transport.listenAddress());
    for (ServiceDefinition s : services) {
      b.addService(s);
    }
    Server server = customizer.apply(transport.configureServer(b)).build();
    servers.add(server);
    return server.start();
  }

  /**
   * Opens a channel to {@code server}; it is shut down after the test.
   *
   * @param server a started server
   * @return the channel
   */
  protected Channel openChannel(Server server) {
    return openChannel(server, UnaryOperator.identity());
  }

  /**
   * Opens a channel to {@code server}, letting {@code customizer} adjust the builder.
   *
   * @param server a started server
   * @param customizer adjusts the builder
   * @return the channel
   */
  protected Channel openChannel(Server server, UnaryOperator<Channel.Builder> customizer) {
    return openChannel(transport.targetFor(server), customizer);
  }

  /**
   * Opens a channel to {@code target}, a peer the test runs itself (such as a scripted HTTP/2
   * server), through the transport's {@link TransportConformanceTest#configureChannel} hook; it is
   * shut down after the test.
   *
   * @param target the peer's target
   * @return the channel
   */
  protected Channel openChannel(String target) {
    return openChannel(target, UnaryOperator.identity());
  }

  /**
   * Opens a channel to {@code target}, letting {@code customizer} adjust the builder.
   *
   * @param target the peer's target
   * @param customizer adjusts the builder
   * @return the channel
   */
  protected Channel openChannel(String target, UnaryOperator<Channel.Builder> customizer) {
    Channel channel = customizer.apply(transport.configureChannel(Channel.newBuilder(target))).build();
    channels.add(channel);
    return channel;
  }

  /**
   * Starts a server with {@link #service} and opens a channel to it.
   *
   * @return a channel to a server of {@link #service}
   * @throws IOException if the server cannot bind its address
   */
  protected Channel fakeChannel() throws IOException {
    return openChannel(startServer(service.definition()));
  }

  /**
   * Runs {@code call}, which must fail with {@code code}; returns the exception.
   *
   * @param code the expected code
   * @param call the call to run
   * @return the exception the call threw
   */
  protected static StatusException assertStatus(Status.Code code, Executable call) {
    StatusException e = assertThrows(StatusException.class, call);
    assertEquals(code, e.status().code(), () -> "status was " + e.status());
    return e;
  }

  /** Shuts down everything the test opened, channels first, and checks that it all terminated. */
  @AfterEach
  void closeEverything() throws InterruptedException {
    List<String> leaks = new ArrayList<>();
    service.release(); // handlers still waiting end on their own, whatever the transport does
    for (Channel c : channels) {
      c.shutdownNow();
    }
    for (Server s : servers) {
      s.shutdownNow();
    }
    for (Channel c : channels) {
      if (!c.awaitTermination(WAIT)) {
        leaks.add(c.toString());
      }
    }
    for (Server s : servers) {
      if (!s.awaitTermination(WAIT)) {
        leaks.add(s.toString());
      }
    }
    channels.clear();
    servers.clear();
    assertTrue(leaks.isEmpty(), () -> "did not terminate after shutdownNow: " + leaks);
  }
}
