package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Java program run in a child JVM as a user runs it from a shell: this JVM's own {@code java}
 * binary with the given arguments (such as {@code -jar app.jar} or {@code -cp app.jar Main}), its
 * standard output and standard error captured together. For tests of what a program prints (no
 * warning on a healthy run, a logger's records once its level is raised) and of servers run as
 * processes of their own.
 *
 * <p>Every wait is bounded and ends as soon as its condition holds, as with {@link Waits}, and
 * {@link #close} ends the process if it still runs, so a test holds one in try-with-resources:
 *
 * <pre>{@code
 * try (JavaProcess server = JavaProcess.start("-cp", jar, "com.example.Server", "--port", "0")) {
 *   String out = server.awaitOutput("the server listening", o -> o.contains("listening on"), WAIT);
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe: the output is read on a thread of its own; any thread may read it, wait or close.
 */
public final class JavaProcess implements AutoCloseable {
  /**
   * A line from SLF4J itself, or a warning from anyone (the JDK, java.util.logging, SLF4J's): what
   * a healthy run of a program must not print.
   */
  public static final Pattern NOISE = Pattern.compile("(?m)^.*(SLF4J|WARN).*$");

  /** How long {@link #close} lets the program run its shutdown hooks before killing it. */
  private static final Duration STOP = Duration.ofSeconds(10);

  private final List<String> command;
  private final Process process;
  private final StringBuffer output = new StringBuffer(); // appended by the reader, read by any thread
  private final Thread reader;

  private JavaProcess(List<String> command, Process process) {
    this.command = command;
    this.process = process;
    this.reader = Thread.ofPlatform().daemon().name("java-process-output-" + process.pid()).start(this::read);
  }

  /**
   * Starts {@link #javaCommand()} with {@code args}.
   *
   * @param args the arguments after {@code java}, options first
   * @return the running program
   * @throws IOException if the process cannot be started
   */
  public static JavaProcess start(String... args) throws IOException {
    return start(List.of(args));
  }

  /**
   * Starts {@link #javaCommand()} with {@code args}.
   *
   * @param args the arguments after {@code java}, options first
   * @return the running program
   * @throws IOException if the process cannot be started
   */
  public static JavaProcess start(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();  // nothing to read on its standard input
    return new JavaProcess(List.copyOf(command), process);
  }

  /**
   * The runnable jar under test, named by the system property {@code runnable.jar} (the build sets
   * it for the tests that run after {@code package}).
   *
   * @return its path
   * @throws AssertionError if the property names no file
   */
  public static String runnableJar() {
    String jar = System.getProperty("runnable.jar");
    assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "no runnable jar at " + jar + " (run mvn verify)");
    return jar;
  }

  /**
   * Asserts that {@code out} holds no {@link #NOISE} line.
   *
   * @param out what a program printed
   */
  public static void assertNoNoise(String out) {
    assertTrue(NOISE.matcher(out).results().findAny().isEmpty(), () -> "noise in:\n" + out);
  }

  /**
   * The {@code java} binary this JVM runs on, so the child runs on the same JDK as the test.
   *
   * @return its path
   */
  public static String javaCommand() {
    return ProcessHandle.current().info().command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private void read() {
    // The child writes in the platform's encoding when its output is not a terminal.
    Charset charset = Charset.forName(System.getProperty("native.encoding"), Charset.defaultCharset());
    try (Reader in = new InputStreamReader(process.getInputStream(), charset)) {
      char[] buffer = new char[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        output.append(buffer, 0, n);
      }
    } catch (IOException e) {
      output.append("\n[JavaProcess: reading the output failed: " + e + ']');
    }
  }

  /**
   * What the program printed so far, standard output and standard error interleaved.
   *
   * @return the output
   */
  public String output() {
    return output.toString();
  }

  /**
   * Waits until the output satisfies {@code done} (for example, holds a server's "listening" line).
   *
   * @param what what is awaited, for the failure message
   * @param done whether the output so far is what was awaited
   * @param max how long to wait at most
   * @return the output that satisfied {@code done}
   * @throws AssertionError naming {@code what}, with the output, if it is not satisfied within
   *     {@code max} or the program exits first without satisfying it
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public String awaitOutput(String what, Predicate<String> done, Duration max) throws InterruptedException {
    Waits.until(what + " in the output of " + this, () -> done.test(output()) || !process.isAlive(), max);
    String out = output();
    if (done.test(out)) {
      return out;
    }
    reader.join(STOP);  // the program ended: what it printed last may still be on its way
    out = output();
    if (!done.test(out)) {
      throw new AssertionError(this + " exited with status " + process.exitValue() + " before " + what
          + "; it printed:\n" + out);
    }
    return out;
  }

  /**
   * Waits until the program exits and everything it printed has been read.
   *
   * @param max how long to wait at most
   * @return its exit status
   * @throws AssertionError with the output so far if it still runs after {@code max}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public int awaitExit(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new AssertionError(this + " still runs after " + max + "; it printed:\n" + output());
    }
    if (!reader.join(STOP)) {
      throw new AssertionError(this + " exited, but its output did not end within " + STOP);
    }
    return process.exitValue();
  }

  /**
   * Stops the program if it still runs: as Ctrl-C would (its shutdown hooks run), then by force if
   * it has not ended within 10 seconds. Its output stays readable.
   */
  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP.toNanos(), TimeUnit.NANOSECONDS)) {
          process.destroyForcibly().waitFor(STOP.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      reader.join(STOP);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** The command line, for messages. */
  @Override
  public String toString() {
    return String.join(" ", command);
  }
}
