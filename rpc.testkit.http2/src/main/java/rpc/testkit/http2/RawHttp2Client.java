package rpc.testkit.http2;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;

/**
 * A bare HTTP/2 client on Jetty's low-level API, for sending what a gRPC client never would. Not
 * thread-safe: one test drives it (its exchanges are filled in by Jetty's threads and read through
 * futures and volatile fields).
 */
final class RawHttp2Client implements AutoCloseable {
  private final HTTP2Client client = new HTTP2Client();
  private final Session session;
  private final int port;

  RawHttp2Client(int port) throws Exception {
    this.port = port;
    // The protocol's default windows, so large responses really wait for WINDOW_UPDATEs.
    client.setInitialStreamRecvWindow(65_535);
    client.setInitialSessionRecvWindow(65_535);
    client.start();
    session = client.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() {}).get(10, TimeUnit.SECONDS);
  }

  /** Fields of a well-formed gRPC request; tests change them. */
  static HttpFields.Mutable grpcFields() {
    return HttpFields.build().add("content-type", "application/grpc").add("te", "trailers");
  }

  /** Opens a stream with a POST to {@code path} carrying {@code fields}. */
  Exchange open(String path, HttpFields fields, boolean endStream) throws Exception {
    return open("POST", path, fields, endStream);
  }

  /** Opens a stream with {@code method} to {@code path} carrying {@code fields}. */
  Exchange open(String method, String path, HttpFields fields, boolean endStream) throws Exception {
    return open(method, HttpURI.build("http://127.0.0.1:" + port + path), fields, endStream);
  }

  /**
   * Opens a stream with a POST whose {@code :path} is {@code rawPath} exactly as given, even when it
   * is no valid path (no leading slash, say), beside the usual {@code :scheme} and
   * {@code :authority}.
   */
  Exchange openRawPath(String rawPath, HttpFields fields, boolean endStream) throws Exception {
    // Jetty's own HttpURI refuses a relative path next to an authority, and its encoder takes
    // :path from getPathQuery(); a proxy over a valid URI answers the path methods instead.
    HttpURI valid = HttpURI.build("http://127.0.0.1:" + port + "/");
    HttpURI raw = (HttpURI) Proxy.newProxyInstance(HttpURI.class.getClassLoader(), new Class<?>[] {HttpURI.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getPath", "getPathQuery", "getDecodedPath", "getCanonicalPath" -> rawPath;
          case "toString", "asString" -> "http://127.0.0.1:" + port + " with :path " + rawPath;
          default -> method.invoke(valid, args);
        });
    return open("POST", raw, fields, endStream);
  }

  private Exchange open(String method, HttpURI uri, HttpFields fields, boolean endStream) throws Exception {
    Exchange ex = new Exchange();
    MetaData.Request request = new MetaData.Request(method, uri, HttpVersion.HTTP_2, fields, -1);
    ex.stream = session.newStream(new HeadersFrame(request, null, endStream), ex).get(10, TimeUnit.SECONDS);
    return ex;
  }

  /** Drops the TCP connection without a GOAWAY, as a crashed client would. */
  void vanish() {
    ((HTTP2Session) session).getEndPoint().close();
  }

  @Override
  public void close() throws Exception {
    client.stop();
  }

  /** A 5-byte gRPC prefix and the payload. */
  static byte[] framed(boolean compressed, int announcedLength, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
    b.put((byte) (compressed ? 1 : 0)).putInt(announcedLength).put(payload);
    return b.array();
  }

  /** One request and what came back. */
  static final class Exchange implements Stream.Listener {
    Stream stream;
    final CompletableFuture<MetaData.Response> response = new CompletableFuture<>();
    volatile HttpFields trailers;
    /** Body bytes that had arrived when the trailers did. */
    volatile int bodyAtTrailers = -1;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    /** Completes when the response ended (END_STREAM or RST_STREAM, whose code it holds; -1 for none). */
    final CompletableFuture<Integer> done = new CompletableFuture<>();

    void send(byte[] bytes, boolean end) throws Exception {
      stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(bytes), end)).get(10, TimeUnit.SECONDS);
    }

    /** Sends a HEADERS frame of plain fields (trailers, for a request), ending the stream or not. */
    void headers(HttpFields fields, boolean end) throws Exception {
      stream.headers(new HeadersFrame(stream.getId(), new MetaData(HttpVersion.HTTP_2, fields), null, end))
          .get(10, TimeUnit.SECONDS);
    }

    void reset(int error) throws Exception {
      stream.reset(new ResetFrame(stream.getId(), error)).get(10, TimeUnit.SECONDS);
    }

    /** Waits for the end; returns the RST_STREAM code, or -1 when the stream ended normally. */
    int awaitEnd() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }

    /** The grpc-status of the response (trailers, or trailers-only headers), or null. */
    String grpcStatus() throws Exception {
      awaitEnd();
      HttpFields t = trailers != null ? trailers : response.getNow(null) == null ? null
          : response.getNow(null).getHttpFields();
      return t == null ? null : t.get("grpc-status");
    }

    int httpStatus() throws Exception {
      return response.get(10, TimeUnit.SECONDS).getStatus();
    }

    /** What has come back so far, for failure messages. */
    String seen() {
      MetaData.Response r = response.getNow(null);
      StringBuilder sb = new StringBuilder();
      sb.append(r == null ? "no response headers"
          : "HTTP " + r.getStatus() + " " + r.getHttpFields().asString().strip());
      HttpFields t = trailers;
      if (t != null) {
        sb.append(", trailers ").append(t.asString().strip());
      }
      sb.append(", ").append(body.size()).append(" body bytes, ");
      if (!done.isDone()) {
        sb.append("stream still open");
      } else if (done.isCompletedExceptionally()) {
        sb.append("stream failed");
      } else {
        int code = done.join();
        sb.append(code < 0 ? "stream ended" : "RST_STREAM(" + ErrorCode.toString(code, "error " + code) + ")");
      }
      return sb.toString().replace("\r\n", "; ");
    }

    @Override
    public void onHeaders(Stream s, HeadersFrame frame) {
      MetaData md = frame.getMetaData();
      if (md.isResponse()) {
        response.complete((MetaData.Response) md);
      } else {
        drain(s); // DATA frames that came before the trailers are queued in the stream now
        bodyAtTrailers = body.size();
        trailers = md.getHttpFields();
      }
      if (frame.isEndStream()) {
        done.complete(-1);
      } else {
        s.demand();
      }
    }

    private final ReentrantLock drainLock = new ReentrantLock();

    @Override
    public void onDataAvailable(Stream s) {
      if (!drain(s)) {
        s.demand();
      }
    }

    /** Reads every queued DATA frame; true at the end of the stream. */
    private boolean drain(Stream s) {
      drainLock.lock();
      try {
        return drainLocked(s);
      } finally {
        drainLock.unlock();
      }
    }

    private boolean drainLocked(Stream s) {
      while (true) {
        Stream.Data data = s.readData();
        if (data == null) {
          return false;
        }
        ByteBuffer b = data.frame().getByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        body.writeBytes(bytes);
        data.release();
        if (data.frame().isEndStream()) {
          done.complete(-1);
          return true;
        }
      }
    }

    @Override
    public void onReset(Stream s, ResetFrame frame, Callback callback) {
      done.complete(frame.getError());
      callback.succeeded();
    }

    @Override
    public void onFailure(Stream s, int error, String reason, Throwable failure, Callback callback) {
      done.completeExceptionally(failure);
      callback.succeeded();
    }
  }
}
