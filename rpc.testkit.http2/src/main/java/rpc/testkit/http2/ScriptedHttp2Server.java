package rpc.testkit.http2;

import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.server.RawHTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A plaintext HTTP/2 server on Jetty's low-level API that answers each request as its test scripts
 * it, and counts what a test cannot see from the client side: connections opened and closed, PINGs
 * received and PING replies received. Thread-safe: Jetty's threads run the script and count; the
 * test reads the counts from its own thread.
 */
final class ScriptedHttp2Server implements AutoCloseable {

  /** How the server answers one request. Runs on a Jetty thread, which it must not block. */
  @FunctionalInterface
  interface Script {
    /**
     * Answers the request on {@code stream}, whose {@code :path} ends with {@code name} (the
     * method's name); returns the stream's listener, or null to drop whatever the client sends.
     */
    Stream.Listener answer(Stream stream, String name);
  }

  private final org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server();
  private final ServerConnector connector;
  private final AtomicInteger connectionsOpened = new AtomicInteger();
  private final AtomicInteger connectionsClosed = new AtomicInteger();
  private final AtomicInteger pings = new AtomicInteger();
  private final AtomicInteger pingReplies = new AtomicInteger();

  ScriptedHttp2Server(Script script) throws Exception {
    ServerSessionListener listener = new ServerSessionListener() {
      @Override
      public Stream.Listener onNewStream(Stream stream, HeadersFrame frame) {
        String path = ((MetaData.Request) frame.getMetaData()).getHttpURI().getPath();
        return script.answer(stream, path.substring(path.lastIndexOf('/') + 1));
      }

      @Override
      public void onPing(Session session, PingFrame frame) {
        pingReplies.incrementAndGet(); // Jetty answers PINGs itself and reports only replies here
      }
    };
    RawHTTP2ServerConnectionFactory h2 = new RawHTTP2ServerConnectionFactory(listener);
    h2.addEventListener(new HTTP2Session.FrameListener() {
      @Override
      public void onIncomingFrame(Session session, Frame frame) {
        if (frame instanceof PingFrame ping && !ping.isReply()) {
          pings.incrementAndGet();
        }
      }
    });
    connector = new ServerConnector(jetty, h2);
    connector.setHost("127.0.0.1");
    connector.addEventListener(new Connection.Listener() {
      @Override
      public void onOpened(Connection connection) {
        connectionsOpened.incrementAndGet();
      }

      @Override
      public void onClosed(Connection connection) {
        connectionsClosed.incrementAndGet();
      }
    });
    jetty.addConnector(connector);
    jetty.start();
  }

  /** The target a channel uses to reach this server. */
  String target() {
    return "127.0.0.1:" + connector.getLocalPort();
  }

  /** How many connections clients have opened so far. */
  int connectionsOpened() {
    return connectionsOpened.get();
  }

  /** How many connections have closed so far, whichever side closed them. */
  int connectionsClosed() {
    return connectionsClosed.get();
  }

  /** How many PINGs clients have sent (not counting replies to this server's PINGs). */
  int pings() {
    return pings.get();
  }

  /** How many replies to {@link #ping} have come back. */
  int pingReplies() {
    return pingReplies.get();
  }

  /**
   * Sends a PING on {@code stream}'s connection. A peer reads a connection's frames in order, so
   * its reply shows that it has read every frame sent before the PING.
   */
  static void ping(Stream stream) {
    stream.getSession().ping(new PingFrame(System.nanoTime(), false), Callback.NOOP);
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }
}
