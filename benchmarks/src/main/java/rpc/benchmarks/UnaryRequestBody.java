package rpc.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Writes the HTTP/2 body of one gRPC request to {@link BenchService#UNARY}, for load tools that post
 * a file (h2load's {@code -d}): the gRPC message prefix (one flag byte, 0 for uncompressed, then
 * the message length as 4 bytes big-endian) and the serialized {@code BytesValue} that the JMH
 * benchmarks send ({@link BenchService#payload}, {@link BenchService#UNARY_PAYLOAD} bytes).
 *
 * <pre>
 * java -cp benchmarks.jar rpc.benchmarks.UnaryRequestBody --out unary.grpc [--size 32]
 * </pre>
 *
 * <p>The prefix is written here rather than by rpc's own framer, so the load does not depend on
 * the code under test to be well formed.
 */
public final class UnaryRequestBody {
  private static final String USAGE = "UnaryRequestBody --out FILE [--size BYTES]";

  private UnaryRequestBody() {}

  /** Writes the file named by {@code --out}. */
  public static void main(String[] args) throws Exception {
    CommandLine options = CommandLine.parse(args, USAGE, Set.of("out", "size"));
    Path out = Path.of(options.string("out"));
    int size = options.integer("size", BenchService.UNARY_PAYLOAD, 0, 1 << 20);
    byte[] message = BenchService.payload(size).toByteArray();
    ByteBuffer frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
    Files.write(out, frame.array());
  }
}
