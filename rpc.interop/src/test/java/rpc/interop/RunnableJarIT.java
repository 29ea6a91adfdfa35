package rpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import rpc.testkit.JavaProcess;

/**
 * The runnable jar, run as the README runs it ({@code java -cp rpc-interop.jar
 * rpc.interop.InteropServer}, then {@code ...InteropClient}), each in a JVM of its own: both print
 * their results and nothing else (no SLF4J notice, no warning, no Jetty start or stop line), and
 * Jetty's records reach java.util.logging once a logging.properties asks for them. Run by Failsafe
 * after {@code package}, which builds the jar.
 */
@Timeout(180)
class RunnableJarIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern LISTENING = Pattern.compile("(?m)^listening on 127\\.0\\.0\\.1:(\\d+) \\(h2c\\)$");

  private static JavaProcess start(List<String> javaOptions, String main, String... args) throws Exception {
    List<String> command = new ArrayList<>(javaOptions);
    command.addAll(List.of("-cp", JavaProcess.runnableJar(), main));
    command.addAll(List.of(args));
    return JavaProcess.start(command);
  }

  /** Waits for the server's "listening on" line and returns its port. */
  private static String port(JavaProcess server) throws InterruptedException {
    Matcher m = LISTENING.matcher(server.awaitOutput("the server listening", LISTENING.asPredicate(), WAIT));
    assertTrue(m.find());
    return m.group(1);
  }

  private static void assertQuiet(String out) {
    JavaProcess.assertNoNoise(out);
    assertTrue(!out.contains("org.eclipse.jetty") && !out.contains("INFO"), () -> "Jetty's INFO lines in:\n" + out);
  }

  @Test
  void serverAndClientPrintTheirResultsAndNothingElse() throws Exception {
    try (JavaProcess server = start(List.of(), "rpc.interop.InteropServer", "--port", "0")) {
      String port = port(server);
      try (JavaProcess client = start(List.of(), "rpc.interop.InteropClient", "--server_port", port,
          "--test_case", "all")) {
        int status = client.awaitExit(WAIT);
        String out = client.output();
        assertEquals(0, status, out);
        assertTrue(out.contains(TestCase.values().length + " passed, 0 failed"), out);
        assertQuiet(out);
      }
      server.close();  // as Ctrl-C: Jetty stops in the shutdown hook
      String out = server.output();
      assertQuiet(out);
      assertEquals(1, out.lines().count(), () -> "only the listening line, not:\n" + out);
    }
  }

  @Test
  void jettysRecordsReachJavaUtilLoggingWhenALoggingPropertiesRaisesThem(@TempDir Path dir) throws Exception {
    Path properties = Files.writeString(dir.resolve("logging.properties"), """
        handlers = java.util.logging.ConsoleHandler
        java.util.logging.ConsoleHandler.level = INFO
        org.eclipse.jetty.level = INFO
        """);
    try (JavaProcess server = start(List.of("-Djava.util.logging.config.file=" + properties),
        "rpc.interop.InteropServer", "--port", "0")) {
      port(server);
      // Jetty logs each server start at INFO, through SLF4J and slf4j-jdk14, before the server
      // prints that it listens (both streams go to one pipe, flushed line by line)
      String out = server.output();
      assertTrue(out.contains("org.eclipse.jetty.server.Server doStart"), () -> "no Jetty record in:\n" + out);
      assertTrue(Pattern.compile("(?m)^INFO: Started oejs\\.Server@").matcher(out).find(), out);
      JavaProcess.assertNoNoise(out);
    }
  }
}
