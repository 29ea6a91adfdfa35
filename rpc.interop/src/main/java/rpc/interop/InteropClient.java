package rpc.interop;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.Deadline;
import rpc.api.StatusException;
import rpc.interop.internal.Cases;
import rpc.interop.internal.Flags;
import rpc.interop.internal.JettyLogs;
import rpc.interop.internal.Tls;

/**
 * The interop client: runs {@link TestCase}s against a {@code grpc.testing.TestService} server of
 * any gRPC implementation and prints {@code PASS name} or {@code FAIL name: reason} per case, then
 * {@code N passed, N failed}.
 * Thread-safe (stateless). Each case runs on a virtual thread of its own, with a deadline on
 * every call and a time limit on the case as a whole.
 *
 * <p>Command line ({@code --name=value} or {@code --name value}):
 * <pre>
 *   --server_host=HOST            default 127.0.0.1
 *   --server_port=PORT            default 10000
 *   --test_case=a,b,...|all       default all
 *   --use_tls[=true|false]        TLS (h2 over ALPN) instead of h2c; default false
 *   --use_test_ca[=true|false]    trust --ca_file, or any certificate when none is given (test servers)
 *   --ca_file=PEM                 the CA (or self-signed certificate) to trust
 *   --server_host_override=NAME   the name the server's certificate must carry
 *   --case_timeout_seconds=S      default 30
 *   --concurrent_threads=N        threads of concurrent_large_unary, default 64
 *   --calls_per_thread=N          calls per thread of concurrent_large_unary, default 4
 * </pre>
 * Exit status 0 when every case passed, 1 when one failed, 2 for a usage error.
 */
public final class InteropClient {

  /** How cases run: the time limit of each, and the shape of {@code concurrent_large_unary}. Immutable. */
  public record Settings(Duration caseTimeout, int concurrentThreads, int callsPerThread) {
    /** 30 s per case, 64 threads × 4 calls. */
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(30), 64, 4);

    /** Checks the values. */
    public Settings {
      Objects.requireNonNull(caseTimeout, "caseTimeout");
      if (concurrentThreads <= 0 || callsPerThread <= 0) {
        throw new IllegalArgumentException("concurrentThreads and callsPerThread must be positive");
      }
    }
  }

  /**
   * The outcome of one case: {@code failure} is null when it passed; {@code notes} say where it
   * passed in a reduced form (for example, a server that does not check request compression).
   * Immutable.
   */
  public record Result(TestCase testCase, String failure, List<String> notes, Duration elapsed) {
    /** Copies the notes. */
    public Result {
      Objects.requireNonNull(testCase, "testCase");
      notes = List.copyOf(notes);
    }

    /** Whether the case passed. */
    public boolean passed() {
      return failure == null;
    }

    /** The report line: {@code PASS name} or {@code FAIL name: reason}. */
    public String line() {
      return passed() ? "PASS " + testCase.id() : "FAIL " + testCase.id() + ": " + failure;
    }
  }

  private static final Set<String> FLAGS = Set.of("server_host", "server_port", "test_case", "use_tls", "use_test_ca",
      "ca_file", "server_host_override", "case_timeout_seconds", "concurrent_threads", "calls_per_thread");
  private static final Set<String> BOOLEAN_FLAGS = Set.of("use_tls", "use_test_ca");

  private InteropClient() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    JettyLogs.warningsOnlyUnlessConfigured();
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line: result lines go to {@code out}, notes and usage errors to {@code err}.
   *
   * @return the exit status: 0 all passed, 1 some failed, 2 usage error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Flags flags;
    List<TestCase> cases;
    Settings settings;
    Channel channel;
    try {
      flags = Flags.parse(args, FLAGS, BOOLEAN_FLAGS);
      cases = TestCase.parseList(flags.string("test_case", "all"));
      settings = new Settings(Duration.ofSeconds(flags.integer("case_timeout_seconds", 30)),
          flags.integer("concurrent_threads", 64), flags.integer("calls_per_thread", 4));
      channel = openChannel(flags, err);
    } catch (IllegalArgumentException | java.io.IOException | java.security.GeneralSecurityException e) {
      err.println("usage error: " + e.getMessage());
      return 2;
    }
    try {
      List<Result> results = runCases(channel, cases, settings, r -> {
        out.println(r.line());
        r.notes().forEach(n -> err.println("note " + r.testCase().id() + ": " + n));
      });
      long passed = results.stream().filter(Result::passed).count();
      out.println(passed + " passed, " + (results.size() - passed) + " failed");
      return passed == results.size() ? 0 : 1;
    } finally {
      channel.shutdownNow();
    }
  }

  private static Channel openChannel(Flags flags, PrintStream err)
      throws java.io.IOException, java.security.GeneralSecurityException {
    String host = flags.string("server_host", "127.0.0.1");
    int port = flags.integer("server_port", 10000);
    String hostPort = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    boolean tls = flags.bool("use_tls", false);
    String override = flags.string("server_host_override", null);
    if (!tls) {
      if (override != null) {
        err.println("note: --server_host_override only names the TLS certificate to expect; ignored without TLS");
      }
      return Channel.open(hostPort);
    }
    Channel.Builder b = Channel.newBuilder("https://" + hostPort);
    if (flags.bool("use_test_ca", false)) {
      String ca = flags.string("ca_file", null);
      SSLContext ctx = ca == null ? Tls.clientTrustingAll()
          : Tls.clientTrusting(Path.of(ca), override != null ? override : host);
      b.sslContext(ctx);
    }
    return b.build();
  }

  /** Runs {@code cases} with {@link Settings#DEFAULT} and returns their results. */
  public static List<Result> runCases(Channel channel, List<TestCase> cases) {
    return runCases(channel, cases, Settings.DEFAULT, r -> {});
  }

  /**
   * Runs {@code cases} one after another on {@code channel}, handing each result to
   * {@code onResult} as soon as it is known (on the calling thread).
   */
  public static List<Result> runCases(Channel channel, List<TestCase> cases, Settings settings,
      Consumer<Result> onResult) {
    List<Result> results = new ArrayList<>(cases.size());
    for (TestCase c : cases) {
      Result r = runOne(channel, c, settings);
      results.add(r);
      onResult.accept(r);
    }
    return results;
  }

  private static Result runOne(Channel channel, TestCase c, Settings settings) {
    List<String> notes = new CopyOnWriteArrayList<>();
    CallOptions options = channel.defaultCallOptions().withDeadline(Deadline.after(settings.caseTimeout()));
    Cases impl = new Cases(channel, options, notes::add, settings.concurrentThreads(), settings.callsPerThread());
    FutureTask<Void> task = new FutureTask<>(() -> {
      impl.run(c);
      return null;
    });
    long start = System.nanoTime();
    Thread thread = Thread.ofVirtual().name("interop-" + c.id()).start(task);
    String failure = null;
    try {
      // the calls carry the same deadline, so a case overruns this only if something hangs
      task.get(settings.caseTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      thread.interrupt();
      failure = "timed out after " + settings.caseTimeout().toSeconds() + " s";
    } catch (ExecutionException e) {
      failure = describe(e.getCause());
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
      failure = "interrupted";
    }
    return new Result(c, failure, notes, Duration.ofNanos(System.nanoTime() - start));
  }

  private static String describe(Throwable t) {
    if (t instanceof AssertionError a && a.getMessage() != null) {
      return oneLine(a.getMessage());
    }
    if (t instanceof StatusException s) {
      return "unexpected status " + oneLine(s.status().toString());
    }
    return oneLine(t.toString());
  }

  private static String oneLine(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }
}
