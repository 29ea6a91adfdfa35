package rpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rpc.api.Channel;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.interop.internal.Payloads;
import rpc.interop.testing.ResponseParameters;
import rpc.interop.testing.SimpleRequest;
import rpc.interop.testing.SimpleResponse;
import rpc.interop.testing.StreamingOutputCallRequest;
import rpc.interop.testing.StreamingOutputCallResponse;
import rpc.interop.testing.TestServiceRpc;
import rpc.api.Server;

/**
 * Our client against our server over Jetty HTTP/2 cleartext on loopback, each case on its own,
 * and the command line of both programs.
 */
@Timeout(60)
class JettyInteropTest {
  private static Server server;
  private static Channel channel;

  @BeforeAll
  static void start() throws Exception {
    server = InteropServer.start(new String[] {"--port", "0"}, new PrintStream(new ByteArrayOutputStream()));
    channel = Channel.open("127.0.0.1:" + server.port());
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  @ParameterizedTest
  @EnumSource(TestCase.class)
  void passes(TestCase testCase) {
    InteropClient.Result r = InteropClient.runCases(channel, List.of(testCase)).getFirst();
    assertTrue(r.passed(), r.line());
    // every case in full: the client-compressed probes are refused, response flags are checked
    assertEquals(List.of(), r.notes(), "no case passes in a reduced form");
  }

  /** A server that ignores {@code response_compressed}: our client must fail the compression cases. */
  @Test
  void aServerIgnoringResponseCompressionFailsTheServerCompressedCases() throws Exception {
    TestServiceRpc.Service neverCompresses = new TestServiceRpc.Service() {
      @Override
      public SimpleResponse unaryCall(SimpleRequest request, ServerContext context) {
        return SimpleResponse.newBuilder().setPayload(Payloads.zeros(request.getResponseSize())).build();
      }

      @Override
      public void streamingOutputCall(StreamingOutputCallRequest request,
          ServerStream<StreamingOutputCallResponse, StreamingOutputCallRequest> responses) {
        for (ResponseParameters p : request.getResponseParametersList()) {
          responses.send(StreamingOutputCallResponse.newBuilder().setPayload(Payloads.zeros(p.getSize())).build());
        }
      }
    };
    Server careless = Server.newBuilder().listen("127.0.0.1:0").addService(neverCompresses.bindService()).build().start();
    try (Channel toCareless = Channel.open("127.0.0.1:" + careless.port())) {
      for (TestCase c : List.of(TestCase.SERVER_COMPRESSED_UNARY, TestCase.SERVER_COMPRESSED_STREAMING)) {
        InteropClient.Result r = InteropClient.runCases(toCareless, List.of(c)).getFirst();
        assertFalse(r.passed(), "passed against a server that never compresses: " + r.line());
        assertTrue(r.line().contains("compressed"), r.line());
      }
    } finally {
      careless.shutdownNow();
    }
  }

  @Test
  void commandLinePrintsOneLinePerCaseAndTheTotals() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = InteropClient.run(new String[] {"--server_host=127.0.0.1", "--server_port", Integer.toString(server.port()),
        "--test_case=empty_unary,large_unary,unimplemented_service,client_compressed_unary"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(List.of("PASS empty_unary", "PASS large_unary", "PASS unimplemented_service",
        "PASS client_compressed_unary", "4 passed, 0 failed"), out.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals("", err.toString(StandardCharsets.UTF_8), "no notes: our server refuses the compression probe");
    assertEquals(0, status);
  }

  @Test
  void commandLineFailsForAnUnreachableServerAndForBadFlags() throws Exception {
    int freePort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      freePort = s.getLocalPort();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    int status = InteropClient.run(new String[] {"--server_port=" + freePort, "--test_case=empty_unary",
        "--case_timeout_seconds=5"}, new PrintStream(out, true, StandardCharsets.UTF_8), quiet);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, status);
    assertTrue(lines.get(0).startsWith("FAIL empty_unary: unexpected status UNAVAILABLE"), lines.get(0));
    assertEquals("0 passed, 1 failed", lines.get(1));
    assertEquals(2, InteropClient.run(new String[] {"--test_case=no_such_case"}, quiet, quiet));
    assertEquals(2, InteropClient.run(new String[] {"--no_such_flag=1"}, quiet, quiet));
  }
}
