package rpc.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.examples.Examples;
import rpc.examples.helloworld.GreeterRpc;
import rpc.examples.helloworld.HelloRequest;
import rpc.examples.internal.Options;

/**
 * The web example's two servers, without a browser (examples/web/test.sh drives a real one): the
 * page with the rpc server's address written in, its script, and the services on the rpc port.
 */
@Timeout(30)
class WebTest {
  private record Response(int status, String contentType, String body) {}

  /** One request; HttpURLConnection is in java.base, which the examples' module reads. */
  private static Response request(String method, String url) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      connection.setConnectTimeout(5_000);
      connection.setReadTimeout(10_000);
      connection.setRequestMethod(method);
      int status = connection.getResponseCode();
      try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Response(status, connection.getContentType(), body);
      }
    } finally {
      connection.disconnect();
    }
  }

  private static Web.Running start() throws Exception {
    return Web.start(Options.parse(new String[0], Map.of("page-port", 0)));
  }

  @Test
  void pageNamesTheRpcServerAndServesItsScript() throws Exception {
    try (Web.Running web = start()) {
      assertTrue(web.pageUrl().startsWith("http://127.0.0.1:"), web.pageUrl());
      assertTrue(!web.pageUrl().startsWith(web.rpcUrl()), "the page has an origin of its own");

      Response page = request("GET", web.pageUrl());
      assertEquals(200, page.status());
      assertEquals("text/html; charset=utf-8", page.contentType());
      assertTrue(page.body().contains("<meta name=\"rpc-server\" content=\"" + web.rpcUrl() + "\">"), page.body());

      Response script = request("GET", web.pageUrl() + "app.js");
      assertEquals(200, script.status());
      assertEquals("text/javascript; charset=utf-8", script.contentType());
      assertTrue(script.body().startsWith("// Built by examples/web/build.mjs"), "the bundle");

      assertEquals(404, request("GET", web.pageUrl() + "missing.js").status());
      assertEquals(405, request("DELETE", web.pageUrl()).status());
    }
  }

  @Test
  void rpcServerAnswersGrpcClients() throws Exception {
    try (Web.Running web = start();
        Channel channel = Channel.open("127.0.0.1:" + web.rpc().port())) {
      GreeterRpc.Client greeter = GreeterRpc.newClient(channel).withTimeout(Duration.ofSeconds(10));
      assertEquals("Hello, web!", greeter.sayHello(HelloRequest.newBuilder().setName("web").build()).getMessage());
    }
  }

  @Test
  void corsAllowsThePageAsBrowsersNameItAndNoOtherOrigin() throws Exception {
    try (Web.Running web = start()) {
      for (String origin : new String[] {web.page().origin(), web.page().localhostOrigin()}) {
        String answer = preflight(web.rpc().port(), origin);
        assertTrue(answer.contains("\r\naccess-control-allow-origin: " + origin.toLowerCase(Locale.ROOT) + "\r\n"), answer);
      }
      String answer = preflight(web.rpc().port(), "http://127.0.0.1:1");
      assertTrue(!answer.contains("access-control-allow-origin"), answer);
    }
  }

  /**
   * The browser's preflight before a Connect call, over HTTP/1.1 as a browser sends it to an
   * {@code http://} address; the answer's head in lower case. (HttpURLConnection may not set
   * {@code Origin}.)
   */
  private static String preflight(int port, String origin) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("OPTIONS /helloworld.Greeter/SayHello HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + port + "\r\n"
          + "Origin: " + origin + "\r\n"
          + "Access-Control-Request-Method: POST\r\n"
          + "Access-Control-Request-Headers: connect-protocol-version,connect-timeout-ms,content-type\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = answer.indexOf("\r\n\r\n");
      return (end < 0 ? answer : answer.substring(0, end + 2)).toLowerCase(Locale.ROOT);
    }
  }

  @Test
  void optionsForCallingClientsAreUsageErrors() throws Exception {
    for (String[] args : new String[][] {{"web", "--transport", "inprocess"}, {"web", "--target", "127.0.0.1:1"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = Examples.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(2, status, err.toString(StandardCharsets.UTF_8));
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage error: web "), err.toString(StandardCharsets.UTF_8));
    }
    assertThrows(IllegalArgumentException.class,
        () -> Web.start(Options.parse(new String[] {"--otel"}, Map.of("page-port", 0))));
  }
}
