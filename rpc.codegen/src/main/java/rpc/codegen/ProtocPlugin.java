package rpc.codegen;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import rpc.codegen.internal.JavaNames;
import rpc.codegen.internal.Javadoc;
import rpc.codegen.internal.ServiceGenerator;

/**
 * The protoc plugin: for every {@code service} in the files protoc asks for, one
 * {@code <Service>Rpc.java} in the Java package of that file's messages.
 *
 * <p>Thread-safe: {@link #generate} keeps no state between calls.
 *
 * <p>Run by protoc as {@code protoc-gen-NAME}: {@link #main} reads a {@code CodeGeneratorRequest}
 * from standard input and writes the {@code CodeGeneratorResponse} to standard output. Problems
 * with the {@code .proto} files (an RPC name that cannot become a Java name, two RPCs with the same
 * Java name) are reported in the response's {@code error}, which protoc prints.
 *
 * <p>Parameter (protoc's {@code --NAME_opt=}): {@code lite} leaves out the protobuf descriptors,
 * for messages generated with {@code --java_out=lite:} ({@code optimize_for = LITE_RUNTIME} files
 * are detected without it).
 */
public final class ProtocPlugin {

  private ProtocPlugin() {}

  /**
   * Reads a {@code CodeGeneratorRequest} from standard input and writes the response to standard
   * output.
   *
   * @throws IOException if standard input does not hold a request or the output cannot be written
   */
  public static void main(String[] args) throws IOException {
    CodeGeneratorRequest request = CodeGeneratorRequest.parseFrom(System.in);
    OutputStream out = new BufferedOutputStream(System.out);
    generate(request).writeTo(out);
    out.flush();
  }

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
