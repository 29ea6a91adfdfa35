package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.testkit.TestCertificates;

/** TLS specifics: mutual TLS, trust and hostname verification. */
@Timeout(60)
class TlsTest {
  private final List<Server> servers = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    channels.forEach(Channel::shutdownNow);
    for (Server s : servers) {
      s.shutdownNow();
      s.awaitTermination(Duration.ofSeconds(5));
    }
  }

  private Server server(SSLContext ctx, boolean requireClientAuth) throws Exception {
    Server s = Server.newBuilder().listen("127.0.0.1:0").addService(Fixtures.echoService()).sslContext(ctx)
        .requireClientAuth(requireClientAuth).build().start();
    servers.add(s);
    return s;
  }

  private Channel channel(String target, SSLContext ctx) {
    Channel c = Channel.newBuilder(target).sslContext(ctx).build();
    channels.add(c);
    return c;
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void mutualTls() throws Exception {
    Server s = server(TestCertificates.get().serverRequiringClients(), true);
    assertEquals("echo:mtls", channel("https://localhost:" + s.port(), TestCertificates.get().clientWithCertificate())
        .call(Fixtures.UNARY, "mtls", CallOptions.DEFAULT.withTimeout(TIMEOUT)));
    StatusException e = assertThrows(StatusException.class,
        () -> channel("https://localhost:" + s.port(), TestCertificates.get().client()).call(Fixtures.UNARY, "x", CallOptions.DEFAULT.withTimeout(TIMEOUT)));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
    assertTrue(!e.status().description().contains("use an https://"),
        () -> "a TLS client is told to use TLS: " + e.status());
  }

  @Test
  void ipAddressTargetIsVerifiedAgainstTheCertificate() throws Exception {
    Server s = server(TestCertificates.get().server(), false);
    assertEquals("echo:ip", channel("https://127.0.0.1:" + s.port(), TestCertificates.get().client())
        .call(Fixtures.UNARY, "ip", CallOptions.DEFAULT.withTimeout(TIMEOUT)));
  }

  @Test
  void untrustedServerFailsUnavailable() throws Exception {
    Server s = server(TestCertificates.get().server(), false);
    StatusException e = assertThrows(StatusException.class,
        () -> channel("https://localhost:" + s.port(), null).call(Fixtures.UNARY, "x", CallOptions.DEFAULT.withTimeout(TIMEOUT)));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
  }

  @Test
  void hostnameIsVerified() throws Exception {
    Server s = server(TestCertificates.get().serverWithWrongName(), false);
    StatusException e = assertThrows(StatusException.class,
        () -> channel("https://localhost:" + s.port(), TestCertificates.get().clientTrustingWrongName())
            .call(Fixtures.UNARY, "x", CallOptions.DEFAULT.withTimeout(TIMEOUT)));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
  }

  @Test
  void plaintextClientCannotTalkToTlsServer() throws Exception {
    Server s = server(TestCertificates.get().server(), false);
    StatusException e = assertThrows(StatusException.class,
        () -> channel("127.0.0.1:" + s.port(), null).call(Fixtures.UNARY, "x", CallOptions.DEFAULT.withTimeout(TIMEOUT)));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code(), e.toString());
    assertTrue(e.status().description().contains("https://") && e.status().description().contains("sslContext"),
        () -> "the error does not say how to reach a TLS server: " + e.status());
  }

  @Test
  void sslContextMakesAHostPortTargetUseTls() throws Exception {
    // It used to be ignored: the channel spoke cleartext to a target it had been given TLS settings for.
    Server s = server(TestCertificates.get().server(), false);
    assertEquals("echo:tls", channel("localhost:" + s.port(), TestCertificates.get().client())
        .call(Fixtures.UNARY, "tls", CallOptions.DEFAULT.withTimeout(TIMEOUT)));
    assertEquals("echo:dns", channel("dns:///localhost:" + s.port(), TestCertificates.get().client())
        .call(Fixtures.UNARY, "dns", CallOptions.DEFAULT.withTimeout(TIMEOUT)));
  }

  @Test
  void sslContextWithAnExplicitCleartextTargetIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Channel.newBuilder("http://localhost:1").sslContext(TestCertificates.get().client()).build());
    assertTrue(e.getMessage().contains("http://") && e.getMessage().contains("https://"), e.getMessage());
  }
}
