package rpc.interopnode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js and this module's npm project ({@code package.json} beside the pom): whether they are
 * there, and running {@code src/test/node/clients.mjs} in a process of its own with a time limit.
 *
 * <p>A machine without Node.js, or without {@code bash interop-node/setup.sh} having run, skips
 * the tests that need it, saying why ({@link Unavailable#skipOrFail}); with the environment
 * variable {@code RPC_REQUIRE_NODE=1} (set by CI) it fails them instead. {@code RPC_NODE} names
 * another {@code node} than the one on the PATH.
 */
final class NodeScript {

  /** The oldest Node.js the npm packages (connect-node 2.1) run on. */
  static final int MIN_NODE_MAJOR = 20;

  private final Path project;
  private final String node;

  private NodeScript(Path project, String node) {
    this.project = project;
    this.node = node;
  }

  /**
   * The module's npm project, once Node.js and the setup are found.
   *
   * @throws Unavailable saying what is missing and how to get it
   */
  static NodeScript find() throws Unavailable {
    Path project = Path.of(System.getProperty("interop.node.dir", System.getProperty("user.dir")))
        .toAbsolutePath().normalize();
    String node = System.getenv().getOrDefault("RPC_NODE", "node");
    String version;
    try {
      Result r = run(project, List.of(node, "--version"), 30, project.resolve("target/node-clients/version"));
      if (r.timedOut() || r.exitCode() != 0) {
        throw new Unavailable("`" + node + " --version` did not answer: " + r);
      }
      version = r.stdout().strip();
    } catch (IOException e) {
      throw new Unavailable("Node.js (node and npm, version " + MIN_NODE_MAJOR + " or newer) is not installed"
          + " or not on the PATH (" + e.getMessage() + "); install it, then run `bash interop-node/setup.sh`");
    }
    int major = major(version);
    if (major < MIN_NODE_MAJOR) {
      throw new Unavailable("Node.js " + version + " is too old: these clients need " + MIN_NODE_MAJOR + " or newer");
    }
    for (String needed : List.of("node_modules/@connectrpc/connect-node/package.json",
        "node_modules/grpc-web/package.json", "src/test/node/gen/rpc/interopnode/echo_pb.js")) {
      if (!Files.isRegularFile(project.resolve(needed))) {
        throw new Unavailable(needed + " is missing in " + project
            + ": run `bash interop-node/setup.sh` (npm ci and code generation) first");
      }
    }
    return new NodeScript(project, node);
  }

  private static int major(String version) {
    String digits = version.startsWith("v") ? version.substring(1) : version;
    int dot = digits.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Node.js or the npm setup is missing. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String why) {
      super(why);
    }

    /** Skips the calling test, or fails it when the environment requires Node.js. */
    void skipOrFail() {
      if ("1".equals(System.getenv("RPC_REQUIRE_NODE"))) {
        Assertions.fail(getMessage() + " (RPC_REQUIRE_NODE=1: required)");
      }
      Assumptions.abort(getMessage() + " (skipped; RPC_REQUIRE_NODE=1 makes this a failure)");
    }
  }

  /**
   * Runs {@code node src/test/node/clients.mjs args...}; stdout and stderr also stay in
   * {@code target/node-clients/NAME.out} and {@code .err}.
   */
  Result clients(String name, List<String> args, long timeoutSeconds) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(node);
    command.add("src/test/node/clients.mjs");
    command.addAll(args);
    Path dir = project.resolve("target/node-clients");
    Files.createDirectories(dir);
    return run(project, command, timeoutSeconds, dir.resolve(name));
  }

  private static Result run(Path directory, List<String> command, long timeoutSeconds, Path outputs)
      throws IOException {
    Files.createDirectories(outputs.getParent());
    Path out = Path.of(outputs + ".out");
    Path err = Path.of(outputs + ".err");
    Process process = new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .start();
    boolean finished;
    try {
      finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command, e);
    }
    if (!finished) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return new Result(String.join(" ", command), !finished, finished ? process.exitValue() : -1,
        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * How a process ended and what it printed.
   *
   * @param command the command line
   * @param timedOut whether it was killed at its time limit
   * @param exitCode its exit code, or -1 if killed
   * @param stdout what it wrote to standard output
   * @param stderr what it wrote to standard error
   */
  record Result(String command, boolean timedOut, int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return command + (timedOut ? " was killed at its time limit" : " exited with " + exitCode)
          + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
  }
}
