package rpc.transport.jetty.internal.stream;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** How a server names the peer of a call ({@code ServerCall.peer()}). Thread-safe (stateless). */
public final class Peers {
  private Peers() {}

  /**
   * The peer as text: {@code host:port} ({@code [v6]:port}), or {@code unix:PATH}.
   *
   * @param remote the connection's remote address
   * @param local the connection's local address (names a Unix socket whose client end is unnamed)
   * @return the peer's description
   */
  public static String describe(SocketAddress remote, SocketAddress local) {
    if (remote instanceof InetSocketAddress i && i.getAddress() != null) {
      String host = i.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + i.getPort();
    }
    if (remote instanceof UnixDomainSocketAddress u) {
      // A client's end of a Unix socket is usually unnamed: name the server's socket it came through.
      String path = u.getPath().toString();
      return "unix:" + (path.isEmpty() && local instanceof UnixDomainSocketAddress l ? l.getPath() : path);
    }
    return String.valueOf(remote);
  }
}
