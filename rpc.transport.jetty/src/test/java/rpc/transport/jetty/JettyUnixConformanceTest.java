package rpc.transport.jetty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import rpc.api.Server;
import rpc.testkit.TransportConformanceTest;

/** The whole conformance suite over plaintext HTTP/2 on Unix domain sockets ({@code unix:///path}). */
class JettyUnixConformanceTest extends TransportConformanceTest {
  /** Short, so socket paths stay well under the 107-byte limit. */
  private static final Path DIR = socketDirectory();
  private static final AtomicInteger NEXT = new AtomicInteger();

  private static Path socketDirectory() {
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), "rpc-uds");
      dir.toFile().deleteOnExit(); // empty by then: every server removes its socket file
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected String transportName() {
    return "jetty";
  }

  @Override
  protected String listenAddress() {
    return "unix://" + DIR.resolve("s" + NEXT.incrementAndGet() + ".sock");
  }

  @Override
  protected String targetFor(Server server) {
    return server.address();
  }
}
