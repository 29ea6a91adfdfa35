package rpc.interopnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;

/**
 * Clients nobody here wrote call our server, on one port: Connect-ES ({@code @connectrpc/connect-node})
 * over the Connect protocol (POST and GET), gRPC and gRPC-Web, in binary and JSON, over HTTP/1.1
 * and h2c; and grpc's own {@code grpc-web} runtime in binary and text over HTTP/1.1. Each client
 * configuration runs {@code src/test/node/clients.mjs} once, which prints one JSON line per
 * operation; each operation is a test of its own, asserting on what the client printed and on what
 * {@link EchoServiceImpl} saw.
 *
 * <p>Needs Node.js 20 or newer and {@code bash interop-node/setup.sh} (see {@link NodeScript}).
 */
class NodeClientsTest {

  // What clients.mjs sends.
  static final String TEXT = "hello ünïcode ✓";
  static final String NUMBER_PLUS_ONE = "9007199254740993";
  static final String GZIP_TEXT = "compress me, ".repeat(400);
  static final Duration DEADLINE = Duration.ofMillis(500);

  /** Per client process; each operation in it gives up after 20 s by itself. */
  static final long PROCESS_TIMEOUT_SECONDS = 150;

  enum Op {
    UNARY("unary", "unary"),
    STREAM("stream", "server streaming"),
    STREAM_ERROR("streamError", "server streaming, then an error with details"),
    ERROR("error", "error with details"),
    DEADLINE("deadline", "deadline exceeded"),
    GZIP("gzip", "gzip both ways");

    final String arg;
    final String title;

    Op(String arg, String title) {
      this.arg = arg;
      this.title = title;
    }
  }

  /**
   * One client configuration.
   *
   * @param library {@code connect-es} or {@code grpc-web} (the npm runtime)
   * @param protocol {@code connect}, {@code grpc} or {@code grpc-web}
   * @param encoding {@code proto}, {@code json}, or {@code text} (grpc-web's base64 form)
   * @param http {@code 1.1} or {@code 2} (h2c)
   * @param get whether unary calls of side-effect-free methods are GETs (Connect only)
   */
  record Client(String library, String protocol, String encoding, String http, boolean get) {

    String name() {
      String p = switch (protocol) {
        case "connect" -> "Connect";
        case "grpc" -> "gRPC";
        default -> "gRPC-Web";
      };
      return p + (get ? " GET" : "") + " " + encoding + " HTTP/" + http + " (" + library + ")";
    }

    /** For file names and the ids of the calls. */
    String key() {
      return library + "-" + protocol + "-" + encoding + "-h" + http.replace(".1", "") + (get ? "-get" : "");
    }

    List<Op> ops() {
      if (library.equals("grpc-web")) {
        return List.of(Op.UNARY, Op.STREAM, Op.STREAM_ERROR, Op.ERROR, Op.DEADLINE); // it cannot compress
      }
      if (get) {
        return List.of(Op.UNARY, Op.ERROR, Op.DEADLINE, Op.GZIP); // streams are never GETs
      }
      return List.of(Op.values());
    }

    boolean usesGet(Op op) {
      return get && op != Op.STREAM && op != Op.STREAM_ERROR;
    }

    /** The content-type the client sends for {@code op}, or null for a GET (no body). */
    String requestContentType(Op op) {
      if (usesGet(op)) {
        return null;
      }
      return switch (protocol) {
        case "connect" -> op == Op.STREAM || op == Op.STREAM_ERROR
            ? "application/connect+" + encoding
            : "application/" + encoding;
        case "grpc" -> "application/grpc+" + encoding;
        default -> encoding.equals("text") ? "application/grpc-web-text" : "application/grpc-web+" + encoding;
      };
    }

    List<String> args(int port) {
      List<String> args = new ArrayList<>(List.of("--port=" + port, "--library=" + library,
          "--protocol=" + protocol, "--encoding=" + encoding, "--http=" + http, "--id=" + key(),
          "--ops=" + String.join(",", ops().stream().map(op -> op.arg).toList())));
      if (get) {
        args.add("--get");
      }
      return args;
    }
  }

  static final List<Client> CLIENTS = List.of(
      new Client("connect-es", "connect", "proto", "1.1", false),
      new Client("connect-es", "connect", "proto", "2", false),
      new Client("connect-es", "connect", "json", "1.1", false),
      new Client("connect-es", "connect", "json", "2", false),
      new Client("connect-es", "connect", "proto", "1.1", true),
      new Client("connect-es", "connect", "json", "2", true),
      new Client("connect-es", "grpc", "proto", "2", false),
      new Client("connect-es", "grpc", "json", "2", false),
      new Client("connect-es", "grpc-web", "proto", "1.1", false),
      new Client("connect-es", "grpc-web", "proto", "2", false),
      new Client("connect-es", "grpc-web", "json", "1.1", false),
      new Client("connect-es", "grpc-web", "json", "2", false),
      new Client("grpc-web", "grpc-web", "proto", "1.1", false),
      new Client("grpc-web", "grpc-web", "text", "1.1", false));

  static NodeScript node;
  static NodeScript.Unavailable unavailable;
  static EchoServiceImpl service;
  static Server server;
  static final Map<Client, Run> RUNS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws IOException {
    try {
      node = NodeScript.find();
    } catch (NodeScript.Unavailable e) {
      unavailable = e;
      System.err.println("NodeClientsTest: " + e.getMessage());
    }
    service = new EchoServiceImpl();
    server = Server.newBuilder()
        .listen("127.0.0.1", 0)
        .transport("jetty")
        .addService(withDeclaredIdempotency(EchoServiceRpc.serviceDefinition(service)))
        .build()
        .start();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
  }

  /**
   * {@code definition} with each method's {@code idempotency_level} from its .proto, where the
   * generated descriptor declares none: the Connect GET tests are about the server, and
   * {@link #generatedDescriptorsCarryIdempotencyLevel} about the generator.
   */
  static ServiceDefinition withDeclaredIdempotency(ServiceDefinition definition) {
    ServiceDefinition.Builder builder = ServiceDefinition.newBuilder(definition.name()).schema(definition.schema());
    for (ServiceDefinition.Method<?, ?> method : definition.methods()) {
      add(builder, method);
    }
    return builder.build();
  }

  private static <Q, R> void add(ServiceDefinition.Builder builder, ServiceDefinition.Method<Q, R> method) {
    MethodDescriptor<Q, R> descriptor = method.descriptor();
    if (descriptor.idempotency() == MethodDescriptor.Idempotency.UNKNOWN) {
      descriptor = descriptor.withIdempotency(declaredIdempotency(descriptor.methodName()));
    }
    builder.method(descriptor, method.handler());
  }

  static MethodDescriptor.Idempotency declaredIdempotency(String methodName) {
    return switch (EchoServiceRpc.getServiceDescriptor().findMethodByName(methodName).getOptions()
        .getIdempotencyLevel()) {
      case NO_SIDE_EFFECTS -> MethodDescriptor.Idempotency.NO_SIDE_EFFECTS;
      case IDEMPOTENT -> MethodDescriptor.Idempotency.IDEMPOTENT;
      default -> MethodDescriptor.Idempotency.UNKNOWN;
    };
  }

  /** Connect clients GET only what the server's descriptors, from rpc.codegen, declare side-effect free. */
  @Test
  void generatedDescriptorsCarryIdempotencyLevel() {
    for (MethodDescriptor<?, ?> method : List.of(EchoServiceRpc.ECHO, EchoServiceRpc.COUNT, EchoServiceRpc.FAIL,
        EchoServiceRpc.SLEEP)) {
      assertEquals(declaredIdempotency(method.methodName()), method.idempotency(),
          method.fullName() + ": the generated descriptor's idempotency, declared in echo.proto");
    }
  }

  @TestFactory
  Stream<DynamicContainer> nodeClientsCallOurServer() {
    return CLIENTS.stream().map(client -> DynamicContainer.dynamicContainer(client.name(),
        client.ops().stream().map(op ->
            DynamicTest.dynamicTest(op.title, () -> check(client, op)))));
  }

  /** One client process's output: its result line per operation. */
  record Run(NodeScript.Result process, Map<String, JsonObject> results) {}

  static Run run(Client client) {
    NodeScript.Result process;
    try {
      process = node.clients(client.key(), client.args(server.port()), PROCESS_TIMEOUT_SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, JsonObject> results = new LinkedHashMap<>();
    for (String line : process.stdout().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        results.put(o.get("op").getAsString(), o);
      } catch (JsonParseException | IllegalStateException | NullPointerException e) {
        // not a result line: stays in the output shown on failure
      }
    }
    return new Run(process, results);
  }

  static void check(Client client, Op op) throws Exception {
    if (unavailable != null) {
      unavailable.skipOrFail();
    }
    Run run = RUNS.computeIfAbsent(client, NodeClientsTest::run);
    JsonObject r = run.results().get(op.arg);
    String where = client.name() + ", " + op.title;
    if (r == null) {
      fail(where + ": the client printed no result for it\n" + run.process());
    }
    Report report = new Report(where, r, run.process());
    String id = client.key() + "/" + op.arg;
    report.noCrash();
    report.firstRequest(client.usesGet(op) ? "GET" : "POST", client.requestContentType(op));
    switch (op) {
      case UNARY -> {
        report.succeeded();
        report.equal("text", "echo: " + TEXT);
        report.equal("number", NUMBER_PLUS_ONE);
        report.equal("raw", Base64.getEncoder().encodeToString(TEXT.getBytes(StandardCharsets.UTF_8)));
        report.check(() -> assertEquals("Echo", seen(report, id).method()));
      }
      case STREAM -> {
        report.succeeded();
        report.counted(5);
      }
      case STREAM_ERROR -> {
        report.detailedError(client);
        report.counted(2);
      }
      case ERROR -> report.detailedError(client);
      case DEADLINE -> {
        report.failedWith(4, "DEADLINE_EXCEEDED");
        EchoServiceImpl.Seen seen = seen(report, id);
        report.check(() -> {
          assertNotNull(seen.deadline(), "the server saw no deadline in the request");
          // (negative if the handler started late, on a busy machine: the deadline was still read)
          assertTrue(seen.deadline().compareTo(DEADLINE) <= 0,
              "time left when the server saw the call, " + seen.deadline() + ", is more than the client's " + DEADLINE);
          assertNotNull(seen.cancelled(), "the server ran the handler to its end instead of cancelling it");
        });
      }
      case GZIP -> {
        report.succeeded();
        report.equal("textMatches", "true");
        JsonObject request = report.firstRequest();
        if (client.usesGet(op)) {
          report.check(() -> assertTrue(request.get("path").getAsString().contains("compression=gzip"),
              "a compressed GET names compression=gzip in its query"));
        } else {
          String header = client.protocol().equals("connect") ? "content-encoding" : "grpc-encoding";
          report.check(() -> assertEquals("gzip", string(request.getAsJsonObject("headers"), header),
              "request header " + header));
        }
        report.check(() -> assertTrue(seen(report, id).requestCompressed(), "the server saw a compressed request"));
        // Connect-ES sends no Accept-Encoding with a GET (it drops the header), so only POSTs ask
        // for a compressed response.
        if (!client.usesGet(op)) {
          String header = client.protocol().equals("connect") ? "content-encoding" : "grpc-encoding";
          report.check(() -> assertEquals("gzip", string(r.getAsJsonObject("responseHeaders"), header),
              "response header " + header));
        }
      }
    }
  }

  static EchoServiceImpl.Seen seen(Report report, String id) {
    try {
      return service.seen(id).get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail(report.where + ": the server did not see call " + id + " within 20 s" + report.context());
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(e -> out.add(e.getAsString()));
    }
    return out;
  }

  static String string(JsonObject o, String key) {
    if (o == null) {
      return null;
    }
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? null : e.isJsonPrimitive() ? e.getAsString() : e.toString();
  }

  /** One operation's result line, with what to print beside a failed assertion. */
  static final class Report {
    final String where;
    final JsonObject result;
    final NodeScript.Result process;

    Report(String where, JsonObject result, NodeScript.Result process) {
      this.where = where;
      this.result = result;
      this.process = process;
    }

    String context() {
      return "\nthe client printed: " + result + "\nits standard error:\n" + process.stderr();
    }

    /** Runs assertions, adding which client and operation failed and what the client printed. */
    void check(Runnable assertions) {
      try {
        assertions.run();
      } catch (AssertionError e) {
        throw new AssertionError(where + ": " + e.getMessage() + context(), e);
      }
    }

    void noCrash() {
      check(() -> assertNull(string(result, "crash"), "the client script failed"));
    }

    void succeeded() {
      check(() -> assertEquals("true", string(result, "ok"),
          "the call failed with code " + string(result, "code") + " (" + string(result, "codeName") + "): "
              + string(result, "message")));
    }

    void failedWith(int code, String name) {
      check(() -> {
        assertEquals("false", string(result, "ok"), "the call succeeded");
        assertEquals(String.valueOf(code), string(result, "code"),
            "code (expected " + name + ", was " + string(result, "codeName") + ": " + string(result, "message") + ")");
      });
    }

    /** The Count responses 1 to n, in order, each with the request's text. */
    void counted(int n) {
      JsonArray messages = result.getAsJsonArray("messages");
      check(() -> assertEquals(n, messages == null ? 0 : messages.size(), "messages received"));
      for (int i = 0; i < n; i++) {
        JsonObject m = messages.get(i).getAsJsonObject();
        int expected = i + 1;
        check(() -> assertEquals(expected, m.get("index").getAsInt(), "message " + expected + " in order"));
        check(() -> assertEquals(TEXT, m.get("text").getAsString(), "text of message " + expected));
      }
    }

    /** The error EchoServiceImpl.failure makes, decoded by the client with its FailureDetail. */
    void detailedError(Client client) {
      failedWith(9, "FAILED_PRECONDITION");
      equal("message", "no more: " + TEXT);
      check(() -> assertEquals(List.of("rpc.interopnode.FailureDetail"), strings(result.getAsJsonArray("details")),
          "the types of the details the client decoded"));
      JsonArray details = result.getAsJsonArray("failureDetails");
      check(() -> assertEquals(1, details == null ? 0 : details.size(), "FailureDetails decoded"));
      JsonObject detail = details.get(0).getAsJsonObject();
      check(() -> assertEquals(TEXT, detail.get("reason").getAsString(), "FailureDetail.reason"));
      check(() -> assertEquals(String.valueOf(EchoServiceImpl.LIMIT), detail.get("limit").getAsString(),
          "FailureDetail.limit"));
      if (client.library().equals("grpc-web")) { // decoded by clients.mjs from grpc-status-details-bin
        equal("statusCode", "9");
        equal("statusMessage", "no more: " + TEXT);
      }
    }

    void equal(String key, String expected) {
      check(() -> assertEquals(expected, string(result, key), key));
    }

    JsonObject firstRequest() {
      JsonArray requests = result.getAsJsonArray("requests");
      check(() -> assertTrue(requests != null && !requests.isEmpty(), "the client sent no HTTP request"));
      return requests.get(0).getAsJsonObject();
    }

    void firstRequest(String method, String contentType) {
      JsonObject request = firstRequest();
      check(() -> {
        assertEquals(method, string(request, "method"), "HTTP method");
        assertEquals(contentType, string(request.getAsJsonObject("headers"), "content-type"), "request content-type");
      });
    }
  }
}
