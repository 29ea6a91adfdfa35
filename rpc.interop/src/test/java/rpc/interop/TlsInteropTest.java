package rpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Server;

/**
 * The interop server over TLS with the certificate it makes at start-up: our client trusting that
 * certificate (with the name check), our client trusting anything, and grpc-java's client.
 */
@Timeout(60)
class TlsInteropTest {
  private static final String CASES = "empty_unary,large_unary,ping_pong,custom_metadata,status_code_and_message";

  private static Server server;
  private static Path certificate;

  @BeforeAll
  static void start() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server = InteropServer.start(new String[] {"--port=0", "--use_tls"}, new PrintStream(out, true, StandardCharsets.UTF_8));
    Matcher m = Pattern.compile("self-signed certificate: (\\S+) ").matcher(out.toString(StandardCharsets.UTF_8));
    assertTrue(m.find(), out.toString(StandardCharsets.UTF_8));
    certificate = Path.of(m.group(1));
  }

  @AfterAll
  static void stop() throws Exception {
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  private static List<String> client(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InteropClient.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void ourClientTrustingTheServerCertificate() {
    List<String> lines = client("--server_port=" + server.port(), "--use_tls", "--use_test_ca",
        "--ca_file=" + certificate, "--server_host_override=localhost", "--test_case=" + CASES);
    assertEquals("5 passed, 0 failed", lines.getLast(), lines.toString());
  }

  @Test
  void ourClientTrustingAnyCertificate() {
    List<String> lines = client("--server_port=" + server.port(), "--use_tls=true", "--use_test_ca=true",
        "--test_case=" + CASES);
    assertEquals("5 passed, 0 failed", lines.getLast(), lines.toString());
  }

  @Test
  void ourClientRefusesACertificateForAnotherName() {
    List<String> lines = client("--server_port=" + server.port(), "--use_tls", "--use_test_ca",
        "--ca_file=" + certificate, "--server_host_override=foo.test.example", "--test_case=empty_unary",
        "--case_timeout_seconds=10");
    assertEquals("0 passed, 1 failed", lines.getLast(), lines.toString());
    assertTrue(lines.getFirst().startsWith("FAIL empty_unary: unexpected status UNAVAILABLE"), lines.getFirst());
  }

  @Test
  void ourClientWithoutTrustRefusesTheSelfSignedCertificate() {
    List<String> lines = client("--server_port=" + server.port(), "--use_tls", "--test_case=empty_unary",
        "--case_timeout_seconds=10");
    assertEquals("0 passed, 1 failed", lines.getLast(), lines.toString());
  }

  @Test
  void grpcJavaClientOverTls() throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
        TlsChannelCredentials.newBuilder().trustManager(certificate.toFile()).build()).build();
    try {
      GrpcJavaClient client = new GrpcJavaClient(channel);
      for (String id : CASES.split(",")) {
        client.run(TestCase.of(id));
      }
      assertEquals(List.of(), client.notes);
    } finally {
      channel.shutdownNow();
    }
  }
}
