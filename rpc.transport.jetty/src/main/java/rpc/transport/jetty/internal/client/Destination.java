package rpc.transport.jetty.internal.client;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import org.eclipse.jetty.io.Transport;

/**
 * Where a client transport's connections go, and the name errors give it: one address given by the
 * channel (a subchannel's, already resolved), a Unix domain socket, or a host and port resolved
 * again on every attempt (so a changed DNS record is seen on reconnect).
 * Immutable.
 *
 * @param fixed the address to use as is, or null to resolve {@code host} each time
 * @param host the host to resolve, and the name TLS checks the server's certificate against
 * @param port the port to connect to when resolving
 * @param name the destination as error messages give it
 */
record Destination(SocketAddress fixed, String host, int port, String name) {

  /** A host and port resolved on each attempt; {@code name} says how the port was chosen. */
  static Destination resolving(String host, int port, String name) {
    return new Destination(null, host, port, name);
  }

  /**
   * One given address. {@code host} is the target's host: an internet address reached through it
   * still presents that name to TLS (SNI and the certificate check), as grpc does.
   */
  static Destination of(SocketAddress address, String host) {
    return of(address, host, null);
  }

  /**
   * One given address, named after the target it was resolved from ({@code targetName}, as
   * {@code host:port}; null to name it by the address alone): {@code localhost:8443 at
   * 127.0.0.1:8443}, or just {@code 127.0.0.1:8443} when the target is that literal.
   */
  static Destination of(SocketAddress address, String host, String targetName) {
    if (address instanceof UnixDomainSocketAddress unix) {
      return new Destination(unix, host, -1, "unix:" + unix.getPath());
    }
    if (address instanceof InetSocketAddress inet) {
      String literal = describe(inet);
      String name = targetName == null || targetName.startsWith(literal) ? (targetName == null ? literal : targetName)
          : targetName + " at " + literal;
      return new Destination(inet, host, inet.getPort(), name);
    }
    throw new IllegalArgumentException("cannot connect to a " + address.getClass().getName() + " (" + address
        + "): the Jetty transport takes an InetSocketAddress or a UnixDomainSocketAddress");
  }

  /** A Unix domain socket at {@code path}. */
  static Destination unix(Path path) {
    return of(UnixDomainSocketAddress.of(path), "localhost");
  }

  boolean isUnix() {
    return fixed instanceof UnixDomainSocketAddress;
  }

  /**
   * The address for the next attempt. Blocks while resolving a name: call it off the caller's
   * thread.
   *
   * @throws UnknownHostException if the host does not resolve
   */
  SocketAddress resolve() throws UnknownHostException {
    if (fixed instanceof InetSocketAddress inet) {
      InetAddress ip = inet.getAddress();
      if (ip == null) { // given unresolved after all
        return resolve(inet.getHostString(), inet.getPort());
      }
      if (host == null || host.isEmpty()) {
        return inet;
      }
      // Jetty's TLS layer takes the peer name from the address's host string.
      InetAddress named = ip instanceof Inet6Address v6 && v6.getScopeId() != 0
          ? Inet6Address.getByAddress(host, ip.getAddress(), v6.getScopeId())
          : InetAddress.getByAddress(host, ip.getAddress());
      return new InetSocketAddress(named, inet.getPort());
    }
    if (fixed != null) {
      return fixed;
    }
    return resolve(host, port);
  }

  private static SocketAddress resolve(String host, int port) throws UnknownHostException {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new UnknownHostException(host);
    }
    return address;
  }

  /** The Jetty transport that reaches {@code address}: TCP, or a Unix domain socket. */
  static Transport transportFor(SocketAddress address) {
    return address instanceof UnixDomainSocketAddress unix ? new Transport.TCPUnix(unix.getPath()) : Transport.TCP_IP;
  }

  private static String describe(InetSocketAddress inet) {
    InetAddress ip = inet.getAddress();
    if (ip == null) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    String literal = ip.getHostAddress();
    return (ip instanceof Inet6Address ? "[" + literal + "]" : literal) + ":" + inet.getPort();
  }

  @Override
  public String toString() {
    return name;
  }
}
