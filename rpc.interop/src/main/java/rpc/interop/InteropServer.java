package rpc.interop;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import rpc.api.Server;
import rpc.api.ServerInterceptor;
import rpc.api.ServiceDefinition;
import rpc.interop.internal.EchoMetadataInterceptor;
import rpc.interop.internal.Flags;
import rpc.interop.internal.JettyLogs;
import rpc.interop.internal.TestServiceImpl;
import rpc.interop.internal.Tls;

/**
 * The interop server: {@code grpc.testing.TestService} as grpc's interop test descriptions specify
 * it, over h2c or TLS.
 * Thread-safe (stateless). Every call runs on its own virtual thread.
 *
 * <p>Command line ({@code --name=value} or {@code --name value}):
 * <pre>
 *   --port=PORT                   default 10000 (0 picks a free port)
 *   --host=HOST                   the address to bind, default 127.0.0.1
 *   --use_tls[=true|false]        serve TLS (h2 over ALPN); default false (h2c)
 *   --tls_cert_file=PEM           certificate chain; without it a self-signed certificate is made
 *   --tls_key_file=PEM            its PKCS#8 private key
 * </pre>
 * It prints {@code listening on HOST:PORT} and serves until the process is stopped.
 */
public final class InteropServer {
  private static final Set<String> FLAGS = Set.of("port", "host", "use_tls", "tls_cert_file", "tls_key_file");
  private static final Set<String> BOOLEAN_FLAGS = Set.of("use_tls");

  private InteropServer() {}

  /**
   * The test service ({@code UnimplementedCall} fails with {@code UNIMPLEMENTED}); add it with
   * {@link #interceptor()} for the metadata-echo feature.
   */
  public static ServiceDefinition service() {
    return new TestServiceImpl().bindService();
  }

  /**
   * The interceptor that echoes {@code x-grpc-test-echo-initial} as a response header and
   * {@code x-grpc-test-echo-trailing-bin} as a trailer.
   */
  public static ServerInterceptor interceptor() {
    return new EchoMetadataInterceptor();
  }

  /**
   * A started server for the command line {@code args}; the address it listens on is reported to
   * {@code out}.
   *
   * @throws IllegalArgumentException for a usage error
   * @throws IOException if the address cannot be bound or TLS cannot be set up
   */
  public static Server start(String[] args, PrintStream out) throws IOException, GeneralSecurityException {
    Flags flags = Flags.parse(args, FLAGS, BOOLEAN_FLAGS);
    String host = flags.string("host", "127.0.0.1");
    Server.Builder builder = Server.newBuilder()
        .listen(host, flags.integer("port", 10000))
        .addService(service())
        .intercept(interceptor());
    String scheme = "h2c";
    if (flags.bool("use_tls", false)) {
      scheme = "tls";
      String cert = flags.string("tls_cert_file", null);
      String key = flags.string("tls_key_file", null);
      SSLContext ctx;
      if (cert != null || key != null) {
        if (cert == null || key == null) {
          throw new IllegalArgumentException("--tls_cert_file and --tls_key_file go together");
        }
        ctx = Tls.serverFromPem(Path.of(cert), Path.of(key));
      } else {
        Tls.ServerTls self = Tls.selfSigned(host);
        ctx = self.context();
        out.println("self-signed certificate: " + self.certificatePem()
            + " (clients: --use_tls --use_test_ca --ca_file=" + self.certificatePem() + ")");
      }
      builder.sslContext(ctx);
    }
    Server server = builder.build().start();
    out.println("listening on " + server.address() + " (" + scheme + ")");
    return server;
  }

  /** Runs the command line until the process is stopped; exit status 2 for a usage error. */
  public static void main(String[] args) throws Exception {
    JettyLogs.warningsOnlyUnlessConfigured();
    Server server;
    try {
      server = start(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("usage error: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      try {
        server.awaitTermination(java.time.Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.shutdownNow();
      stopped.countDown();
    }, "interop-server-shutdown"));
    stopped.await();
  }
}
