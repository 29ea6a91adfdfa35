package rpc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.testkit.JavaProcess;

/**
 * The root README's {@code curl} calls, run word for word with the real {@code curl} against the
 * helloworld server started as the README starts it ({@code java -jar rpc-examples.jar helloworld
 * --server-only}), on a free port instead of 50051: a README edit that breaks them fails here.
 * Run by Failsafe after {@code package}, which builds the jar; skipped where {@code curl} is not
 * installed.
 */
@Timeout(120)
class ReadmeCurlIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** The port the README's commands use. */
  private static final String README_PORT = "50051";
  private static final String REPLY = "{\"message\":\"Hello, x!\"}";
  /** A curl command calling SayHello, alone on a line or in an inline code span. */
  private static final Pattern CURL = Pattern.compile("(?m)(?:^|`)(curl [^`\\n]*/helloworld\\.Greeter/SayHello[^`\\n]*)");
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void theReadmesCurlCallsPrintTheGreeting() throws Exception {
    Assumptions.assumeTrue(curlInstalled(), "curl is not installed");
    String readme = Files.readString(Path.of(System.getProperty("root.readme")), StandardCharsets.UTF_8);
    List<String> commands = CURL.matcher(readme).results().map(m -> m.group(1).strip()).toList();
    assertEquals(2, commands.size(), "the README's two curl calls of SayHello (POST and GET): " + commands);
    assertTrue(commands.get(0).contains(" -d "), "the first is the POST: " + commands.get(0));
    assertTrue(commands.get(1).contains("?encoding=json"), "the second is the GET: " + commands.get(1));
    assertTrue(readme.contains("prints `" + REPLY + "`"), "the README says what the call prints");

    try (JavaProcess server = JavaProcess.start("-jar", JavaProcess.runnableJar(), "helloworld", "--server-only",
        "--port", "0")) {
      Matcher listening = LISTENING.matcher(server.awaitOutput("the server listening",
          o -> LISTENING.matcher(o).find(), WAIT));
      assertTrue(listening.find());
      String port = listening.group(1);
      for (String command : commands) {
        assertTrue(command.contains("127.0.0.1:" + README_PORT + "/"), "calls the README's server: " + command);
        assertEquals(REPLY, run(command.replace("127.0.0.1:" + README_PORT + "/", "127.0.0.1:" + port + "/")),
            "what `" + command + "` prints");
      }
    }
  }

  private static boolean curlInstalled() throws Exception {
    Process p = new ProcessBuilder("bash", "-c", "command -v curl").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  /** Runs {@code command} as a shell would and returns its standard output; it must succeed. */
  private static String run(String command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("curl", ".out");
    try {
      Process p = new ProcessBuilder("bash", "-c", command).redirectOutput(out.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("still running after " + WAIT + ": " + command);
      }
      String printed = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), "exit status of " + command + ", which printed: " + printed);
      return printed;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
