package rpc.codegen;

import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import rpc.codegen.internal.Generator;

/**
 * The protoc plugin: for every {@code service} in the files protoc asks for, one
 * {@code <Service>Rpc.java} in the Java package of that file's messages.
 * Thread-safe: it has no state.
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
   * @param args ignored: protoc passes none
   * @throws IOException if standard input does not hold a request or the output cannot be written
   */
  public static void main(String[] args) throws IOException {
    CodeGeneratorRequest request = CodeGeneratorRequest.parseFrom(System.in);
    OutputStream out = new BufferedOutputStream(System.out);
    Generator.generate(request).writeTo(out);
    out.flush();
  }
}
