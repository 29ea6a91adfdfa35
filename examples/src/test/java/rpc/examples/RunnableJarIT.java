package rpc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import rpc.testkit.JavaProcess;

/**
 * The runnable jar, run as the README runs it ({@code java -jar rpc-examples.jar helloworld}) in a
 * JVM of its own: it prints its results and nothing else (no SLF4J notice, no warning, no Jetty
 * start-up line), and Jetty's records reach java.util.logging once a logging.properties asks for
 * them. Run by Failsafe after {@code package}, which builds the jar.
 */
@Timeout(120)
class RunnableJarIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String run(List<String> javaOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>(javaOptions);
    command.addAll(List.of("-jar", JavaProcess.runnableJar()));
    command.addAll(List.of(args));
    try (JavaProcess example = JavaProcess.start(command)) {
      int status = example.awaitExit(WAIT);
      assertEquals(0, status, example.output());
      return example.output();
    }
  }

  @Test
  void helloworldPrintsItsResultsAndNothingElse() throws Exception {
    String out = run(List.of(), "helloworld", "--threads", "4", "--calls", "5");
    assertTrue(out.contains("20 of 20 calls completed"), out);
    JavaProcess.assertNoNoise(out);
    assertTrue(!out.contains("org.eclipse.jetty") && !out.contains("INFO"), () -> "Jetty's INFO lines in:\n" + out);
    assertEquals(3, out.lines().count(), () -> "the server's address, the greeting and the summary, not:\n" + out);
  }

  @Test
  void jettysRecordsReachJavaUtilLoggingWhenALoggingPropertiesRaisesThem(@TempDir Path dir) throws Exception {
    Path properties = Files.writeString(dir.resolve("logging.properties"), """
        handlers = java.util.logging.ConsoleHandler
        java.util.logging.ConsoleHandler.level = INFO
        org.eclipse.jetty.level = INFO
        """);
    String out = run(List.of("-Djava.util.logging.config.file=" + properties), "helloworld", "--threads", "1",
        "--calls", "1");
    assertTrue(out.contains("1 of 1 calls completed"), out);
    // Jetty logs each server start at INFO, through SLF4J and slf4j-jdk14
    assertTrue(out.contains("org.eclipse.jetty.server.Server doStart"), () -> "no Jetty record in:\n" + out);
    assertTrue(Pattern.compile("(?m)^INFO: Started oejs\\.Server@").matcher(out).find(), out);
    JavaProcess.assertNoNoise(out);
  }

  @Test
  void otelPrintsOneTraceAcrossClientAndServerAndTheA66Metrics() throws Exception {
    String out = run(List.of(), "helloworld", "--otel", "--threads", "1", "--calls", "1");
    assertTrue(out.contains("1 of 1 calls completed"), out);
    // 'helloworld.Greeter/SayHello' : TRACE SPAN CLIENT|SERVER [tracer: rpc:] ...
    Pattern span = Pattern.compile("'helloworld\\.Greeter/SayHello' : ([0-9a-f]{32}) [0-9a-f]{16} (CLIENT|SERVER)");
    java.util.Map<String, List<String>> kindsByTrace = new java.util.TreeMap<>();
    span.matcher(out).results().forEach(m -> kindsByTrace.computeIfAbsent(m.group(1), k -> new ArrayList<>())
        .add(m.group(2)));
    assertEquals(2, kindsByTrace.size(), () -> "two calls, two traces, in:\n" + out);
    kindsByTrace.values().forEach(kinds -> assertEquals(List.of("CLIENT", "SERVER"), kinds.stream().sorted().toList(),
        () -> "each trace has its client and its server span, in:\n" + out));
    for (String metric : List.of("grpc.client.attempt.started", "grpc.client.call.duration",
        "grpc.server.call.started", "grpc.server.call.duration")) {
      assertTrue(out.contains("name=" + metric + ","), () -> "no " + metric + " in:\n" + out);
    }
    JavaProcess.assertNoNoise(out);
  }
}
