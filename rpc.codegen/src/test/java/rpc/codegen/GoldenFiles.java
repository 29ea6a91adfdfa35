package rpc.codegen;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the descriptor set protoc wrote for {@code src/test/proto} and builds requests from it. */
final class GoldenFiles {

  private GoldenFiles() {}

  /** The test protos with their imports and comments, as protoc described them (build property). */
  static FileDescriptorSet descriptors() throws IOException {
    String path = System.getProperty("rpc.codegen.descriptors");
    if (path == null) {
      throw new IllegalStateException("system property rpc.codegen.descriptors is not set: run the tests with Maven");
    }
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      return FileDescriptorSet.parseFrom(in);
    }
  }

  /** Where the expected outputs live, in the source tree so that updating them edits the sources. */
  static Path goldenDir() {
    return Path.of(System.getProperty("rpc.codegen.goldenDir", "src/test/resources/golden"));
  }

  /** A request like protoc sends for every test proto (not the well-known types they import). */
  static CodeGeneratorRequest request(FileDescriptorSet set) {
    CodeGeneratorRequest.Builder request = CodeGeneratorRequest.newBuilder()
        .setCompilerVersion(com.google.protobuf.compiler.PluginProtos.Version.newBuilder()
            .setMajor(3).setMinor(25).setPatch(8));
    for (FileDescriptorProto file : set.getFileList()) {
      request.addProtoFile(file);
      if (!file.getName().startsWith("google/protobuf/")) {
        request.addFileToGenerate(file.getName());
      }
    }
    return request.build();
  }
}
