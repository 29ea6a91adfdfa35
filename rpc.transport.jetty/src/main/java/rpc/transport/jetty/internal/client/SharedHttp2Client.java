package rpc.transport.jetty.internal.client;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import rpc.transport.jetty.internal.stream.TransportSettings;
import rpc.transport.jetty.internal.stream.TransportThreads;

/**
 * One started {@link HTTP2Client} (selector, thread pool, scheduler, buffer pool) shared by all
 * channels with the same client-wide settings, as grpc-java shares its event loops. It is stopped
 * a second after the last channel lets go of it, so channels opened and closed in a row reuse it.
 *
 * <p>Thread-safe.
 */
final class SharedHttp2Client {
  private static final long LINGER_MILLIS = 1000;
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final Map<Key, Entry> CLIENTS = new HashMap<>();

  private record Key(int sessionWindow, int streamWindow, int maxHeaders, long connectTimeoutMillis) {}

  private static final class Entry {
    final HTTP2Client client;
    int refs;
    long generation;

    Entry(HTTP2Client client) {
      this.client = client;
    }
  }

  private SharedHttp2Client() {}

  /** A started client for {@code settings}; give it back with {@link #release}. */
  static HTTP2Client acquire(TransportSettings settings) {
    Key key = new Key(settings.sessionReceiveWindow(), settings.streamReceiveWindow(), settings.maxHeaderListSize(),
        settings.connectTimeout().toMillis());
    LOCK.lock();
    try {
      Entry e = CLIENTS.get(key);
      if (e == null) {
        e = new Entry(start(settings));
        CLIENTS.put(key, e);
      }
      e.refs++;
      e.generation++;
      return e.client;
    } finally {
      LOCK.unlock();
    }
  }

  private static HTTP2Client start(TransportSettings settings) {
    QueuedThreadPool threads = TransportThreads.pool("rpc-jetty-client");
    ClientConnector connector = new ClientConnector();
    connector.setExecutor(threads);
    connector.setScheduler(new ScheduledExecutorScheduler("rpc-jetty-client-scheduler", true));
    connector.setSelectors(TransportThreads.selectors());
    connector.setTCPNoDelay(true);
    HTTP2Client client = new HTTP2Client(connector);
    client.setInitialSessionRecvWindow(settings.sessionReceiveWindow());
    client.setInitialStreamRecvWindow(settings.streamReceiveWindow());
    // Read a whole DATA frame of the default size per system call, as Jetty's server does (the
    // client's own default, 8 KiB, took two reads per frame: -40 % on 1 KiB server streaming).
    client.setInputBufferSize(Frame.DEFAULT_MAX_SIZE + Frame.HEADER_LENGTH);
    client.setMaxResponseHeadersSize(settings.maxHeaderListSize());
    client.setMaxRequestHeadersSize(settings.maxHeaderListSize());
    client.setConnectTimeout(settings.connectTimeout().toMillis());
    // Connections are closed by our own idle policy (onIdleTimeout declines while calls are open).
    client.setIdleTimeout(TimeUnit.MINUTES.toMillis(30));
    client.setStreamIdleTimeout(0);
    client.setUseALPN(true);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("could not start the Jetty HTTP/2 client", e);
    }
    return client;
  }

  /** Gives back a client; the last release stops it after a short delay. */
  static void release(HTTP2Client client) {
    long generation;
    LOCK.lock();
    try {
      Entry e = find(client);
      if (e == null || --e.refs > 0) {
        return;
      }
      generation = e.generation;
    } finally {
      LOCK.unlock();
    }
    Thread.ofPlatform().daemon().name("rpc-jetty-client-stop").start(() -> {
      try {
        Thread.sleep(LINGER_MILLIS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      LOCK.lock();
      try {
        Entry e = find(client);
        if (e == null || e.refs > 0 || e.generation != generation) {
          return;
        }
        CLIENTS.values().remove(e);
      } finally {
        LOCK.unlock();
      }
      try {
        client.stop();
      } catch (Exception ignored) {
        // best effort: its threads are daemons
      }
    });
  }

  private static Entry find(HTTP2Client client) {
    for (Entry e : CLIENTS.values()) {
      if (e.client == client) {
        return e;
      }
    }
    return null;
  }
}
