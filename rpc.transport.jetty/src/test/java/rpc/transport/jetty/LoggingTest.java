package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.testkit.TestCertificates;
import rpc.testkit.Waits;

/**
 * What the transport logs through {@code System.Logger} (here backed by java.util.logging): the
 * events an operator needs, at DEBUG on a healthy run, a WARNING for a failed TLS handshake.
 */
class LoggingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final Logger root = Logger.getLogger("rpc.transport.jetty");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level levelBefore;

  @BeforeEach
  void listen() {
    levelBefore = root.getLevel();
    capture.setLevel(Level.ALL);
    root.setLevel(Level.ALL);
    root.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    root.removeHandler(capture);
    root.setLevel(levelBefore);
  }

  private boolean logged(String text) {
    return records.stream().anyMatch(r -> r.getMessage() != null && r.getMessage().contains(text));
  }

  private String all() {
    return records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void aHealthyRunLogsItsConnectionsAtDebugAndNothingAbove() throws Exception {
    Server server = Server.newBuilder().listen("127.0.0.1:0").addService(Fixtures.echoService()).build().start();
    int port = server.port();
    try (Channel channel = Channel.open("127.0.0.1:" + port)) {
      assertEquals("echo:x", channel.call(Fixtures.UNARY, "x"));
    }
    server.shutdown();
    assertTrue(server.awaitTermination(WAIT));
    Waits.until("connection events logged on both sides", () -> logged("connected to 127.0.0.1:" + port)
        && logged("connection from") && logged("shutting down port " + port) && logged(" closed"), WAIT);
    for (LogRecord r : records) {
      assertTrue(r.getLevel().intValue() <= Level.FINE.intValue(), () -> "above DEBUG on a healthy run:\n" + all());
    }
  }

  @Test
  void aRefusedConnectionLogsWhyAndWhenTheNextAttemptComes() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (Channel channel = Channel.newBuilder("127.0.0.1:" + port)
        .option(JettyTransportOptions.INITIAL_BACKOFF, "60000").build()) {
      StatusException e = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "x"));
      assertEquals(Status.Code.UNAVAILABLE, e.status().code());
    }
    Waits.until("the failed attempt and the next one logged", () -> logged("cannot connect to 127.0.0.1:" + port)
        && logged("next connection attempt to 127.0.0.1:" + port + " in "), WAIT);
  }

  @Test
  void aFailedTlsHandshakeIsAWarningWithItsCause() throws Exception {
    Server server = Server.newBuilder().listen("127.0.0.1:0").addService(Fixtures.echoService())
        .sslContext(TestCertificates.get().server()).build().start();
    try (Channel channel = Channel.open("https://localhost:" + server.port())) { // the JDK's trust store
      StatusException e = assertThrows(StatusException.class,
          () -> channel.call(Fixtures.UNARY, "x", CallOptions.DEFAULT.withTimeout(WAIT)));
      assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
      LogRecord warning = Waits.until("a WARNING about the handshake", () -> records.stream()
          .filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("TLS handshake with localhost:"))
          .findFirst().orElse(null), r -> r != null, WAIT);
      assertInstanceOf(javax.net.ssl.SSLException.class, rootOrSsl(warning.getThrown()), all());
    } finally {
      server.shutdownNow();
    }
  }

  private static Throwable rootOrSsl(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return c;
      }
    }
    return t;
  }
}
