package rpc.codegen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rpc.codegen.internal.Generator;

/**
 * Compiles the generated sources for the golden protos with javac's doclint on every check
 * ({@code -Xdoclint:all/protected}, what {@code javadoc -Xdoclint:all} checks), and requires that
 * it finds nothing to say about them: users who run doclint on their build must not have to
 * exclude our code. The message classes protoc writes (not ours) are only read, from the
 * {@code golden-messages} directory the build fills.
 *
 * <p>javac runs through {@link ToolProvider}, which needs nothing but {@code java.base}, so the
 * test runs the same on the module path and the class path.
 */
class GeneratedJavadocTest {

  @Test
  void generatedSourcesAreDoclintClean(@TempDir Path dir) throws IOException {
    CodeGeneratorResponse response = Generator.generate(GoldenFiles.request(GoldenFiles.descriptors()));
    assertFalse(response.hasError(), response.getError());
    Map<String, String> sources = new TreeMap<>();
    for (CodeGeneratorResponse.File f : response.getFileList()) {
      sources.put(f.getName(), f.getContent());
    }
    List<String> findings = doclint(sources, dir);
    assertTrue(findings.isEmpty(), () -> "doclint has something to say about generated code:\n"
        + String.join("\n", findings));
  }

  /** Guards the check above from passing because doclint did not run. */
  @Test
  void doclintFindsAMissingReturn(@TempDir Path dir) throws IOException {
    String undocumented = """
        package golden;
        /** A class. */
        public final class UndocumentedRpc {
          private UndocumentedRpc() {}
          /** A number. */
          public static int number() {
            return 1;
          }
        }
        """;
    List<String> findings = doclint(Map.of("golden/UndocumentedRpc.java", undocumented), dir);
    assertTrue(findings.stream().anyMatch(f -> f.contains("UndocumentedRpc.java:6: warning: no @return")),
        () -> "doclint did not report the missing @return: " + findings);
  }

  /**
   * Compiles {@code sources} (content by path) with doclint on; returns what javac said about them
   * and every error (code that does not compile is not checked), one diagnostic per line.
   */
  private static List<String> doclint(Map<String, String> sources, Path dir) throws IOException {
    Path src = dir.resolve("src");
    List<String> args = new ArrayList<>(List.of(
        "-Xdoclint:all/protected", "-Xmaxwarns", "100000", "-Xmaxerrs", "100000",
        "-proc:none", "-implicit:none", "--release", "21", "-encoding", "UTF-8",
        "-d", dir.resolve("classes").toString(),
        "-classpath", testClassPath(),
        "-sourcepath", goldenMessages()));
    for (var e : sources.entrySet()) {
      Path file = src.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new IllegalStateException("no javac"));
    StringWriter out = new StringWriter();
    int exit;
    try (PrintWriter w = new PrintWriter(out)) {
      exit = javac.run(w, w, args.toArray(String[]::new));
    }
    List<String> findings = new ArrayList<>();
    for (String line : out.toString().split("\\R")) {
      if (line.startsWith(src.toString()) || line.contains(": error: ")) {
        findings.add(line);
      }
    }
    if (exit != 0 && findings.isEmpty()) {
      findings.add("javac exited with " + exit + ":\n" + out);
    }
    return findings;
  }

  /** Everything the tests run with (rpc.api, rpc.codec.protobuf, protobuf-java), wherever Surefire put it. */
  private static String testClassPath() {
    return Stream.of(System.getProperty("java.class.path"), System.getProperty("jdk.module.path"))
        .filter(p -> p != null && !p.isEmpty())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String goldenMessages() {
    String dir = System.getProperty("rpc.codegen.goldenMessages");
    if (dir == null) {
      throw new IllegalStateException("system property rpc.codegen.goldenMessages is not set: run the tests with Maven");
    }
    return dir;
  }
}
