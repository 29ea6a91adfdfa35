package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.Server;
import rpc.testkit.TestCertificates;

/**
 * Run only by the module-path execution (see the pom): the transport is a named module whose
 * descriptor requires everything it uses at run time, including ALPN's service providers and the
 * Unix domain socket connector.
 */
@Timeout(60)
class ModulePathTest {

  @Test
  void transportRunsAsANamedModule() throws Exception {
    Module module = JettyTransportProvider.class.getModule();
    assertTrue(module.isNamed(), "not on the module path");
    assertEquals("rpc.transport.jetty", module.getName());
    assertTrue(Server.class.getModule().isNamed());
    Server server = Server.newBuilder().listen("127.0.0.1:0").addService(Fixtures.echoService())
        .sslContext(TestCertificates.get().server()).build().start();
    try (Channel channel = Channel.newBuilder("https://localhost:" + server.port())
        .sslContext(TestCertificates.get().client()).build()) {
      assertEquals("jetty", channel.transportName());
      assertEquals("echo:modules", channel.call(Fixtures.UNARY, "modules"));
    } finally {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
  }

  @Test
  void unixDomainSocketsAsANamedModule() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("/tmp"), "rpc-mp");
    String address = "unix://" + dir.resolve("m.sock");
    Server server = Server.newBuilder().listen(address).addService(Fixtures.echoService()).build().start();
    try (Channel channel = Channel.newBuilder(address).build()) {
      assertEquals("echo:unix", channel.call(Fixtures.UNARY, "unix"));
    } finally {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
      java.nio.file.Files.deleteIfExists(dir);
    }
  }
}
