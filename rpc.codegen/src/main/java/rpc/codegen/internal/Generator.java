package rpc.codegen.internal;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a {@code CodeGeneratorRequest} into a {@code CodeGeneratorResponse}: one
 * {@code <Service>Rpc.java} per service of every file protoc asks for.
 *
 * <p>Thread-safe: {@link #generate} keeps no state between calls.
 */
public final class Generator {

  private Generator() {}

  /** Generates the files for {@code request}; failures are reported in the response's {@code error}. */
  public static CodeGeneratorResponse generate(CodeGeneratorRequest request) {
    CodeGeneratorResponse.Builder response = CodeGeneratorResponse.newBuilder()
        .setSupportedFeatures(CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE);
    try {
      boolean lite = parseLite(request.getParameter());
      Map<String, FileDescriptorProto> files = new HashMap<>();
      for (FileDescriptorProto file : request.getProtoFileList()) {
        files.put(file.getName(), file);
      }
      JavaNames names = new JavaNames(request.getProtoFileList());
      for (String fileName : request.getFileToGenerateList()) {
        FileDescriptorProto file = files.get(fileName);
        if (file == null) {
          throw new IllegalArgumentException(fileName + " is to be generated but its descriptor is missing");
        }
        Javadoc docs = new Javadoc(file);
        for (int i = 0; i < file.getServiceCount(); i++) {
          ServiceGenerator generator = new ServiceGenerator(file, i, names, docs, lite);
          response.addFile(CodeGeneratorResponse.File.newBuilder()
              .setName(generator.fileName())
              .setContent(generator.generate()));
        }
      }
    } catch (IllegalArgumentException e) {
      return response.clearFile().setError(e.getMessage()).build();
    }
    return response.build();
  }

  private static boolean parseLite(String parameter) {
    boolean lite = false;
    for (String option : parameter.split(",")) {
      String o = option.strip();
      if (o.equals("lite")) {
        lite = true;
      } else if (!o.isEmpty()) {
        throw new IllegalArgumentException("unknown option '" + o + "' (rpc.codegen knows: lite)");
      }
    }
    return lite;
  }
}
