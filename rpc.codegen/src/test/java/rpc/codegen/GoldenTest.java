package rpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import rpc.codegen.internal.Generator;

/**
 * Compares the generator's output for the protos in {@code src/test/proto} with the files under
 * {@code src/test/resources/golden}. After an intended change to the generated code, regenerate
 * them with {@code mvn -pl rpc.codegen test -Drpc.codegen.updateGolden=true} and review the diff.
 */
class GoldenTest {

  @Test
  void generatedSourcesMatchGoldenFiles() throws IOException {
    CodeGeneratorResponse response = Generator.generate(GoldenFiles.request(GoldenFiles.descriptors()));
    assertFalse(response.hasError(), response.getError());

    TreeMap<String, String> generated = new TreeMap<>();
    for (CodeGeneratorResponse.File f : response.getFileList()) {
      generated.put(f.getName(), f.getContent());
    }
    Path dir = GoldenFiles.goldenDir();
    if (Boolean.getBoolean("rpc.codegen.updateGolden")) {
      for (String stale : goldenFiles(dir)) {
        Files.delete(dir.resolve(stale));
      }
      for (var e : generated.entrySet()) {
        Path target = dir.resolve(e.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, e.getValue());
      }
    }
    assertEquals(goldenFiles(dir), generated.navigableKeySet(),
        "generated files differ from the golden ones; regenerate with -Drpc.codegen.updateGolden=true");
    for (var e : generated.entrySet()) {
      assertEquals(Files.readString(dir.resolve(e.getKey())), e.getValue(),
          e.getKey() + " differs from its golden file; regenerate with -Drpc.codegen.updateGolden=true");
    }
  }

  @Test
  void oneFilePerServiceInTheMessagesPackage() throws IOException {
    CodeGeneratorResponse response = Generator.generate(GoldenFiles.request(GoldenFiles.descriptors()));
    List<String> names = response.getFileList().stream().map(CodeGeneratorResponse.File::getName).sorted().toList();
    assertEquals(List.of(
        "dev/rpc/golden/lite/TinyRpc.java",
        "dev/rpc/golden/names/odd_serviceRpc.java",
        "dev/rpc/golden/routeguide/RouteGuideRpc.java",
        "golden/idempotency/LedgerRpc.java",
        "golden/imports/ImporterRpc.java",
        "golden/multi/AlphaRpc.java",
        "golden/multi/BetaRpc.java"), names);
    assertEquals(CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE, response.getSupportedFeatures());
  }

  private static TreeSet<String> goldenFiles(Path dir) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile)
          .forEach(p -> names.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    return names;
  }
}
