package rpc.transport.jetty.internal.stream;

import java.util.List;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.HTTP2Stream;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * Everything this transport needs that Jetty 12.1's HTTP/2 API ({@code Session}, {@code Stream})
 * does not offer, and so takes from its implementation classes ({@code HTTP2Session},
 * {@code HTTP2Stream}): each method says which gap it fills, so a Jetty upgrade is checked here.
 * The client needs two ({@link #newStream}, {@link #setIdleTimeout}); the others serve the server
 * (one of them, {@link #http2Stream}, the web calls that Jetty's HTTP layer carries).
 * What the API does give is used instead: the client learns the server's stream and header limits
 * from the SETTINGS frames its {@code Session.Listener} receives, and dials Unix domain sockets
 * through the public {@code org.eclipse.jetty.io.Transport}.
 * Thread-safe (stateless).
 */
public final class JettyGaps {
  private JettyGaps() {}

  /**
   * Sets a server stream's listener at once. {@code onNewStream} may only return it, and Jetty sets
   * it after the method returns; a call that reads early (a HEADERS-only request) would hand its end
   * to a discarding listener meanwhile.
   */
  public static void setListener(Stream stream, Stream.Listener listener) {
    ((HTTP2Stream) stream).setListener(listener);
  }

  /**
   * Writes up to three frames of one stream in one write (response headers with the first DATA, or
   * with trailers): the API writes one frame per call, and allows one pending write per stream.
   */
  static void send(Stream stream, HeadersFrame headers, DataFrame data, HeadersFrame trailers, Callback done) {
    ((HTTP2Stream) stream).send(new HTTP2Stream.FrameList(headers, data, trailers), done);
  }

  /**
   * Opens a client stream with its request headers and first DATA in one write; the API's
   * {@code newStream} takes the headers alone.
   */
  public static void newStream(Session session, HeadersFrame headers, DataFrame data, Promise<Stream> promise,
      Stream.Listener listener) {
    HTTP2Stream.FrameList frames = data == null ? new HTTP2Stream.FrameList(headers)
        : new HTTP2Stream.FrameList(headers, data, null);
    ((HTTP2Session) session).newStream(frames, promise, listener);
  }

  /**
   * The largest header block Jetty will encode on a server session (the server's own limit, lowered
   * by the client's SETTINGS_MAX_HEADER_LIST_SIZE), or -1 for none: Jetty fails the whole connection
   * when asked to encode more, so calls check first. Only the server reads it here; the client
   * learns the same limit from the SETTINGS frames its {@code Session.Listener} is given (see
   * {@code ClientConnection}), and the server's session listener could too.
   */
  public static int maxHeaderListSize(Session session) {
    if (session instanceof HTTP2Session h) {
      int max = h.getGenerator().getHpackEncoder().getMaxHeaderListSize();
      return max > 0 ? max : -1;
    }
    return -1;
  }

  /**
   * Sets one client connection's idle timeout: channels with different idle timeouts share one
   * {@code HTTP2Client}, whose setting covers all its connections, and the API has none per session.
   */
  public static void setIdleTimeout(Session session, long millis) {
    if (session instanceof HTTP2Session h) {
      h.getEndPoint().setIdleTimeout(millis);
    }
  }

  /**
   * Whether the peer had already ended its side with a DATA frame (END_STREAM) before a HEADERS frame
   * now seen: RFC 9113 section 5.1 makes that a stream error, which Jetty checks for DATA only.
   */
  public static boolean endedWithData(Stream stream) {
    return stream instanceof HTTP2Stream h && h.isLastDataReceived();
  }

  /**
   * Resets a stream Jetty never handed to us: it drops a request it cannot parse (a {@code :path}
   * without its leading slash) inside the session, without {@code onNewStream} and without a word
   * to the client, and the API cannot write a frame for a stream it does not know.
   */
  public static void reset(Session session, int streamId, ErrorCode error) {
    if (session instanceof HTTP2Session h) {
      h.frames(null, List.of(new ResetFrame(streamId, error.code)), Callback.NOOP);
    }
  }

  /**
   * Sends the first GOAWAY of a graceful close in two steps (the largest stream id, NO_ERROR,
   * {@code debug} as its debug data) without moving the session into its closing state. The API's
   * {@code shutdown()} sends the same frame but follows it with the final GOAWAY the moment no stream
   * is open, which drops a request the client sent before it read the first; gRPC servers wait for
   * the answer to a PING in between, and so does the server's {@code ServerConnection}.
   */
  public static void sendFirstGoAway(Session session, String debug, Callback done) {
    if (session instanceof HTTP2Session h) {
      GoAwayFrame frame = new GoAwayFrame(Integer.MAX_VALUE, ErrorCode.NO_ERROR.code,
          debug.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      h.frames(null, List.of(frame), done);
    } else {
      session.shutdown(); // not Jetty's own session: its graceful close is the next best thing
      done.failed(new UnsupportedOperationException("not an HTTP2Session: " + session));
    }
  }

  /**
   * Ends a connection now: fails its streams, sends GOAWAY with {@code error} and {@code reason} as
   * debug data, and closes the socket, as Jetty does itself when a client exceeds its frame rates.
   * The API's {@code close} sends GOAWAY and then waits for the client to close the connection; a
   * client that pings abusively, or keeps a drained connection open, is not waited for.
   */
  public static void abort(Session session, ErrorCode error, String reason) {
    if (session instanceof HTTP2Session h) {
      h.onConnectionFailure(error.code, reason);
    } else {
      session.close(error.code, reason, Callback.NOOP);
    }
  }

  /**
   * The HTTP/2 stream under a request that Jetty's HTTP layer handles (a gRPC-Web or Connect call),
   * or null over HTTP/1.1. The {@code Request} API hides it, and Jetty 12.1 ends such a stream with
   * {@code RST_STREAM(CANCEL)} when the response is complete while the client is still sending
   * ({@code HttpStreamOverHTTP2.succeeded}, and {@code failed} for the unconsumed content, which it
   * wraps so that its own NO_ERROR case does not match), where gRPC's protocol wants NO_ERROR: the
   * web calls reset it themselves first. Found through the connection's session (an
   * {@code HTTP2Connection}) and the request's id, which over HTTP/2 is its stream id.
   */
  public static Stream http2Stream(Request request) {
    if (request.getConnectionMetaData().getConnection() instanceof HTTP2Connection c) {
      try {
        return c.getSession().getStream(Integer.parseInt(request.getId()));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
