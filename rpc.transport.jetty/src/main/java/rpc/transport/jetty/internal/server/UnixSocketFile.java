package rpc.transport.jetty.internal.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import rpc.transport.jetty.internal.stream.TransportSettings;
import rpc.transport.jetty.internal.stream.TransportThreads;

/**
 * The socket file of a server listening on a Unix domain socket. Before binding, a file left at the
 * path by a server that died is removed, but only if it is a socket nobody listens on. When the
 * server stops listening, the file is removed if it is still the one this server bound: another
 * server may have bound the same path since (a restart while this one drained its calls), and its
 * file is not ours to delete.
 *
 * <p>Jetty's {@link UnixDomainServerConnector} deletes its path when it stops, whoever's file that
 * is by then; so once this class has removed the file, the connector is pointed at a path that does
 * not exist.
 *
 * <p>Thread-safe.
 */
final class UnixSocketFile {
  /** {@code S_IFMT} and {@code S_IFSOCK} of {@code st_mode}. */
  private static final int TYPE_MASK = 0170000;
  private static final int SOCKET = 0140000;

  private final Path path;
  private volatile Object boundFile;
  private final AtomicBoolean released = new AtomicBoolean();

  UnixSocketFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /**
   * A connector listening at the path. It accepts on its selector, not on a thread of its own, so
   * closing its channel stops it quietly (a thread blocked in {@code accept} would report the
   * closed channel as a failure, once a second, until the server stops).
   */
  UnixDomainServerConnector newConnector(Server server, ConnectionFactory... factories) {
    UnixDomainServerConnector c = new UnixDomainServerConnector(server, 0, TransportThreads.selectors(), factories);
    c.setUnixDomainPath(path);
    return c;
  }

  /**
   * Checks the path and removes a stale socket file there.
   *
   * @throws IOException if the path is too long for a socket, or holds something other than a
   *     socket, or a socket a server listens on
   */
  void prepare() throws IOException {
    int bytes = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > TransportSettings.MAX_UNIX_PATH_BYTES) {
      throw new IOException("cannot listen on unix:" + path + ": the path is " + bytes + " bytes, and a Unix domain"
          + " socket's must be at most " + TransportSettings.MAX_UNIX_PATH_BYTES);
    }
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IOException("cannot listen on unix:" + path + ": the directory " + dir + " does not exist");
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(path)) {
      throw new IOException("cannot listen on unix:" + path + ": the path exists and is not a socket");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.configureBlocking(false); // a live server with a full backlog must not block us
      probe.connect(UnixDomainSocketAddress.of(path));
      throw new IOException("cannot listen on unix:" + path + ": another server is listening there");
    } catch (java.net.ConnectException stale) {
      // nobody listens: a server that died without removing it
      Files.deleteIfExists(path);
      JettyServerTransport.LOG.log(System.Logger.Level.DEBUG, () -> "removed the stale socket file " + path);
    }
  }

  private static boolean isSocket(Path p) throws IOException {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & TYPE_MASK) == SOCKET;
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isOther(); // a socket, a pipe or a device: not a file someone keeps data in
    }
  }

  /** The connector has bound the path: remembers which file that made. */
  void bound() {
    boundFile = fileKey(path);
  }

  /**
   * Stops listening: closes the connector's channel (clients now get "connection refused" instead
   * of waiting in a backlog nobody accepts from), removes the socket file if it is still ours, and
   * keeps Jetty from deleting the path later. Connections already accepted carry on. Idempotent.
   */
  void release(UnixDomainServerConnector connector) {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    if (connector.getTransport() instanceof Channel listening) {
      try {
        listening.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    Object ours = boundFile;
    if (ours != null && ours.equals(fileKey(path))) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        JettyServerTransport.LOG.log(System.Logger.Level.DEBUG, () -> "could not remove the socket file " + path + ": " + e);
      }
    }
    connector.setUnixDomainPath(path.resolveSibling(path.getFileName() + "." + UUID.randomUUID() + ".released"));
  }

  private static Object fileKey(Path p) {
    try {
      return Objects.requireNonNullElse(
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(), p);
    } catch (IOException gone) {
      return null;
    }
  }
}
