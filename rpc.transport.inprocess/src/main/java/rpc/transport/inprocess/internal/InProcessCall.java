package rpc.transport.inprocess.internal;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.CallOptions;
import rpc.api.CallTracer;
import rpc.api.Codec;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.SerialExecutor;
import rpc.api.spi.ServerCall;
import rpc.api.wire.MessageCompression;
import rpc.api.wire.MessageLimit;

/**
 * One in-process call: the client half ({@link #client()}) and the server half joined by two
 * message queues bounded in bytes, the in-process counterpart of HTTP/2's stream windows.
 *
 * <p>Thread-safe: all state is guarded by one lock held only briefly; the listener callbacks of each
 * half are queued under the lock and run serialized, outside it, by a {@link SerialExecutor} — on
 * whichever thread made them due, as {@link ClientCall} and {@link ServerCall} allow. Messages are
 * delivered only against demand ({@code request(n)}); a sender is ready while its undelivered
 * messages count for less than {@link #WINDOW_BYTES}, and is woken once they have drained to half
 * of it. A message counts for its encoded size plus {@link #MESSAGE_OVERHEAD}.
 *
 * <p>Terminal events: the client half gets exactly one {@code onClose}; the server half gets no
 * callback once the library has closed it, or exactly one {@code onCancel} when the call ends
 * otherwise. Queued callbacks check this when they run, so one queued before the end never runs
 * after it.
 */
final class InProcessCall<Req, Resp> {
  /** Bytes of undelivered messages in one direction beyond which the sender is told to wait. */
  static final int WINDOW_BYTES = 64 * 1024;
  /** A waiting sender is woken once the queue has drained to this, not at the first free byte. */
  static final int RESUME_BYTES = WINDOW_BYTES / 2;
  /** What a queued message counts for on top of its encoded size. */
  static final int MESSAGE_OVERHEAD = 32;

  /** A message on its way: the object itself, or its serialized bytes, and what it counts for. */
  /** A message on its way, and whether its sender asked for it to be compressed. */
  private record Queued(Object payload, int bytes, boolean compressed) {}

  private final InProcessClientTransport clientTransport;
  private final MethodDescriptor<Req, Resp> clientMethod;
  private final CallOptions options;
  // Nothing is compressed in process; receivers are told what the sender asked for, so code that
  // checks the compressed flag reads the same as over HTTP/2.
  private volatile boolean clientMessageCompression = true;
  private volatile boolean serverMessageCompression = true;
  private volatile String serverEncoding;
  private boolean serverInboundCompressed; // set and read within one delivery to the server
  private boolean clientInboundCompressed; // set and read within one delivery to the client
  // Told each message's facts (the encoded size for both sizes: nothing is framed or compressed);
  // set before the call starts (client) or inside accept (server).
  private volatile CallTracer clientTracer;
  private volatile CallTracer serverTracer;
  private final ReentrantLock lock = new ReentrantLock();
  /**
   * Held while a server callback runs, and by the server half's close while it marks the listener
   * done, so that no callback runs once the library's close has returned. Never taken under
   * {@link #lock}.
   */
  private final ReentrantLock serverDelivery = new ReentrantLock();
  private final SerialExecutor toClient = new SerialExecutor();
  private final SerialExecutor toServer = new SerialExecutor();
  private final ClientHalf clientHalf = new ClientHalf();

  // guarded by lock
  private ClientCall.Listener<Resp> clientListener;
  private ServerCall.Listener<Req> serverListener; // read by queued tasks, which run after it is set
  private InProcessServerTransport server;
  private MethodDescriptor<Req, Resp> serverMethod;
  private final ArrayDeque<Queued> toServerQueue = new ArrayDeque<>();
  private final ArrayDeque<Queued> toClientQueue = new ArrayDeque<>();
  private long toServerBytes;
  private long toClientBytes;
  private int serverDemand;
  private int clientDemand;
  private boolean clientHalfClosed;
  private boolean halfCloseDelivered;
  private boolean headersSent;
  private boolean serverClosed; // server half is finished: closed by the library or cancelled
  private boolean clientClosed; // onClose queued for the client
  private Status pendingStatus; // OK close waiting for queued responses to drain
  private Metadata pendingTrailers;
  private boolean clientWantsReady;
  private boolean serverWantsReady;
  private boolean byReferenceUp;
  private boolean byReferenceDown;
  // set when the terminal callback ran (or, for the server, the library closed it); read by queued tasks
  private volatile boolean clientListenerDone;
  private boolean serverListenerDone; // guarded by serverDelivery

  InProcessCall(InProcessClientTransport clientTransport, MethodDescriptor<Req, Resp> method, CallOptions options) {
    this.clientTransport = clientTransport;
    this.clientMethod = method;
    this.options = options;
  }

  ClientCall<Req, Resp> client() {
    return clientHalf;
  }

  // ------------------------------------------------------------------ start

  @SuppressWarnings("unchecked")
  private void start(ClientCall.Listener<Resp> listener, Metadata headers) {
    lock.lock();
    try {
      if (clientListener != null) {
        throw new IllegalStateException("call already started");
      }
      clientListener = listener;
    } finally {
      lock.unlock();
    }
    String name = clientTransport.name();
    if (!clientTransport.register(this)) {
      terminate(Status.UNAVAILABLE.withDescription("channel to inprocess:" + name + " is closed"), null);
      return;
    }
    InProcessServerTransport target = Registry.lookup(name);
    if (target == null) {
      terminate(Status.UNAVAILABLE.withDescription("no in-process server named '" + name + "' is running"), null);
      return;
    }
    MethodDescriptor<?, ?> found = target.acceptor().lookup(clientMethod.fullName());
    if (found == null) {
      terminate(Status.UNIMPLEMENTED.withDescription("unknown method " + clientMethod.fullName()), null);
      return;
    }
    if (found.kind() != clientMethod.kind()) {
      terminate(Status.INTERNAL.withDescription(clientMethod.fullName() + " is " + found.kind()
          + " on the server but " + clientMethod.kind() + " on the client"), null);
      return;
    }
    ServerHalf half = new ServerHalf();
    lock.lock();
    try {
      server = target;
      serverMethod = (MethodDescriptor<Req, Resp>) found;
      byReferenceUp = sameImmutable(clientMethod.requestCodec(), serverMethod.requestCodec());
      byReferenceDown = sameImmutable(serverMethod.responseCodec(), clientMethod.responseCodec());
    } finally {
      lock.unlock();
    }
    if (!target.register(this)) {
      terminate(Status.UNAVAILABLE.withDescription("in-process server '" + name + "' is shutting down"), null);
      return;
    }
    ServerCall.Listener<Req> sl = target.acceptor().accept(half, headers.copy());
    lock.lock();
    try {
      serverListener = sl;
    } finally {
      lock.unlock();
    }
    drainBoth();
  }

  /** Messages cross by reference only between equal codecs (same message class) of immutable messages. */
  private static boolean sameImmutable(Codec<?> a, Codec<?> b) {
    return a.immutableMessages() && (a == b || a.equals(b));
  }

  // ------------------------------------------------------------------ callbacks (queued under the lock)

  /** Queues a client callback that is skipped if the client's terminal callback has run. */
  private void toClient(Runnable callback) {
    toClient.enqueue(() -> {
      if (!clientListenerDone) {
        callback.run();
      }
    });
  }

  /** Queues a server callback that is skipped once the server half has ended. */
  private void toServer(Runnable callback) {
    toServer.enqueue(() -> {
      serverDelivery.lock();
      try {
        if (!serverListenerDone) {
          callback.run();
        }
      } finally {
        serverDelivery.unlock();
      }
    });
  }

  /** Under the lock: queues the client's one onClose, then the call's unregistration. */
  private void closeClient(Status status, Metadata trailers) {
    clientClosed = true;
    pendingStatus = null;
    toClient.enqueue(() -> {
      if (!clientListenerDone) {
        clientListenerDone = true;
        clientListener.onClose(status, trailers);
      }
      unregister();
    });
  }

  private void pumpToServer() {
    while (serverDemand > 0 && !toServerQueue.isEmpty() && !serverClosed) {
      Queued q = toServerQueue.poll();
      toServerBytes -= q.bytes();
      serverDemand--;
      toServer(() -> deliverToServer(q.payload(), q.bytes() - MESSAGE_OVERHEAD, q.compressed()));
    }
    if (toServerQueue.isEmpty() && clientHalfClosed && !halfCloseDelivered && !serverClosed) {
      halfCloseDelivered = true;
      toServer(() -> serverListener.onHalfClose());
    }
    if (clientWantsReady && toServerBytes <= RESUME_BYTES && !clientClosed) {
      clientWantsReady = false;
      toClient(() -> clientListener.onReady());
    }
  }

  private void pumpToClient() {
    while (clientDemand > 0 && !toClientQueue.isEmpty() && !clientClosed) {
      Queued q = toClientQueue.poll();
      toClientBytes -= q.bytes();
      clientDemand--;
      toClient(() -> deliverToClient(q.payload(), q.bytes() - MESSAGE_OVERHEAD, q.compressed()));
    }
    if (toClientQueue.isEmpty() && pendingStatus != null && !clientClosed) {
      closeClient(pendingStatus, pendingTrailers);
    }
    if (serverWantsReady && toClientBytes <= RESUME_BYTES && !serverClosed) {
      serverWantsReady = false;
      toServer(() -> serverListener.onReady());
    }
  }

  @SuppressWarnings("unchecked")
  private void deliverToServer(Object payload, int size, boolean compressed) {
    Req message;
    try {
      message = byReferenceUp ? (Req) payload : serverMethod.requestCodec().fromByteArray((byte[]) payload);
    } catch (RuntimeException e) {
      Status s = parseFailure(e, "request");
      terminate(s, s);
      return;
    }
    CallTracer t = serverTracer;
    if (t != null) {
      t.inboundMessage(size, size, compressed);
    }
    serverInboundCompressed = compressed;
    serverListener.onMessage(message);
  }

  /** The status for a message the codec could not parse: its own, or INTERNAL. */
  private static Status parseFailure(RuntimeException e, String what) {
    Status s = Status.fromThrowable(e);
    return s.code() != Status.Code.UNKNOWN ? s
        : Status.INTERNAL.withDescription("could not parse " + what + ": " + e).withCause(e);
  }

  @SuppressWarnings("unchecked")
  private void deliverToClient(Object payload, int size, boolean compressed) {
    Resp message;
    try {
      message = byReferenceDown ? (Resp) payload : clientMethod.responseCodec().fromByteArray((byte[]) payload);
    } catch (RuntimeException e) {
      terminate(parseFailure(e, "response"), Status.CANCELLED.withDescription("client could not parse a response"));
      return;
    }
    CallTracer t = clientTracer;
    if (t != null) {
      t.inboundMessage(size, size, compressed);
    }
    clientInboundCompressed = compressed;
    clientListener.onMessage(message);
  }

  private void drainBoth() {
    boolean listening;
    lock.lock();
    try {
      listening = serverListener != null;
    } finally {
      lock.unlock();
    }
    if (listening) {
      toServer.drain(); // server tasks wait until accept() has returned the listener
    }
    toClient.drain();
  }

  /**
   * Ends the call at once: the client gets {@code clientStatus} (unless already closed), the server
   * half gets {@code serverStatus} as a cancellation (unless it already finished; null = same).
   */
  private void terminate(Status clientStatus, Status serverStatus) {
    lock.lock();
    try {
      toServerQueue.clear();
      toClientQueue.clear();
      toServerBytes = 0;
      toClientBytes = 0;
      if (!clientClosed) {
        closeClient(clientStatus, new Metadata());
      }
      if (!serverClosed) {
        serverClosed = true;
        if (serverMethod != null) {
          Status s = serverStatus == null ? clientStatus : serverStatus;
          toServer.enqueue(() -> {
            serverDelivery.lock();
            try {
              if (!serverListenerDone) { // unless the library closed the call first: that was its end
                serverListenerDone = true;
                if (serverListener != null) {
                  serverListener.onCancel(s);
                }
              }
            } finally {
              serverDelivery.unlock();
            }
          });
        }
      }
    } finally {
      lock.unlock();
    }
    drainBoth();
  }

  private void unregister() {
    clientTransport.callEnded(this);
    InProcessServerTransport s = server;
    if (s != null) {
      s.callEnded(this);
    }
  }

  /** Cancels from a transport shutting down. */
  void shutdownCancel(Status status) {
    terminate(status, status);
  }

  /** The encoded size of a message about to be queued. */
  @SuppressWarnings("unchecked")
  private static int sizeOf(Codec<?> codec, Object message, Object payload) {
    return payload instanceof byte[] b ? b.length : ((Codec<Object>) codec).encodedSize(message);
  }

  @SuppressWarnings("unchecked")
  private static Object payloadOf(Codec<?> codec, Object message, boolean byReference) {
    return byReference ? message : ((Codec<Object>) codec).toByteArray(message);
  }

  // ------------------------------------------------------------------ client half

  private final class ClientHalf implements ClientCall<Req, Resp> {
    @Override
    public void start(Listener<Resp> listener, Metadata headers) {
      InProcessCall.this.start(listener, headers);
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      clientMessageCompression = enabled;
    }

    @Override
    public boolean inboundMessageCompressed() {
      return clientInboundCompressed;
    }

    @Override
    public void trace(CallTracer tracer) {
      clientTracer = tracer;
    }

    @Override
    public void request(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("n must be positive: " + n);
      }
      lock.lock();
      try {
        clientDemand += n;
        pumpToClient();
      } finally {
        lock.unlock();
      }
      drainBoth();
    }

    @Override
    public void send(Req message) {
      boolean up;
      InProcessServerTransport srv;
      lock.lock();
      try {
        if (serverClosed || clientClosed || serverMethod == null) {
          return; // call over (or never reached a server): messages are dropped, as on the network
        }
        up = byReferenceUp;
        srv = server;
      } finally {
        lock.unlock();
      }
      Object payload;
      int size;
      try {
        payload = payloadOf(clientMethod.requestCodec(), message, up);
        size = sizeOf(clientMethod.requestCodec(), message, payload);
      } catch (RuntimeException e) {
        Status s = Status.INTERNAL.withDescription("could not serialize request: " + e).withCause(e);
        terminate(s, Status.CANCELLED.withDescription("client could not serialize a request"));
        return;
      }
      boolean compressed = options.compression() != null && clientMessageCompression;
      int limit = srv.maxInboundMessageSize();
      if (size > limit) {
        Status s = MessageLimit.requestTooLarge(size, limit);
        terminate(s, s);
        return;
      }
      lock.lock();
      try {
        if (serverClosed || clientClosed) {
          return;
        }
        toServerQueue.add(new Queued(payload, size + MESSAGE_OVERHEAD, compressed));
        toServerBytes += size + MESSAGE_OVERHEAD;
        pumpToServer();
      } finally {
        lock.unlock();
      }
      CallTracer t = clientTracer;
      if (t != null) {
        t.outboundMessage(size, size, compressed);
      }
      drainBoth();
    }

    @Override
    public boolean isReady() {
      lock.lock();
      try {
        if (serverClosed || clientClosed) {
          return true; // sends are dropped from now on; never make a sender wait for nothing
        }
        boolean ready = serverMethod != null && toServerBytes < WINDOW_BYTES;
        if (!ready) {
          clientWantsReady = true;
        }
        return ready;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void halfClose() {
      lock.lock();
      try {
        if (clientHalfClosed) {
          return;
        }
        clientHalfClosed = true;
        pumpToServer();
      } finally {
        lock.unlock();
      }
      drainBoth();
    }

    @Override
    public void cancel(Status status) {
      String why = status.description();
      Status toServerStatus = status.code() == Status.Code.DEADLINE_EXCEEDED ? status
          : Status.CANCELLED.withDescription(why == null || why.startsWith("cancelled by the client")
              ? "cancelled by the client" : "cancelled by the client: " + why);
      terminate(status, toServerStatus);
    }

    @Override
    public MethodDescriptor<Req, Resp> method() {
      return clientMethod;
    }
  }

  // ------------------------------------------------------------------ server half

  private final class ServerHalf implements ServerCall<Req, Resp> {
    @Override
    public MethodDescriptor<Req, Resp> method() {
      return serverMethod;
    }

    @Override
    public Deadline deadline() {
      return options.deadline();
    }

    @Override
    public String peer() {
      return "inprocess:" + clientTransport.name();
    }

    @Override
    public String authority() {
      return clientTransport.name();
    }

    @Override
    public void request(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("n must be positive: " + n);
      }
      lock.lock();
      try {
        serverDemand += n;
        pumpToServer();
      } finally {
        lock.unlock();
      }
      drainBoth();
    }

    @Override
    public void sendHeaders(Metadata headers) {
      lock.lock();
      try {
        if (headersSent) {
          throw new IllegalStateException("headers already sent");
        }
        headersSent = true;
        if (!clientClosed && !serverClosed) {
          Metadata h = headers.copy();
          toClient(() -> clientListener.onHeaders(h));
        }
      } finally {
        lock.unlock();
      }
      toClient.drain();
    }

    @Override
    public void send(Resp message) {
      boolean down;
      lock.lock();
      try {
        if (serverClosed) {
          return;
        }
        down = byReferenceDown;
      } finally {
        lock.unlock();
      }
      Object payload;
      int size;
      try {
        payload = payloadOf(serverMethod.responseCodec(), message, down);
        size = sizeOf(serverMethod.responseCodec(), message, payload);
      } catch (RuntimeException e) {
        Status s = Status.INTERNAL.withDescription("server could not serialize a response: " + e).withCause(e);
        terminate(s, s);
        return;
      }
      boolean compressed = serverEncoding != null && serverMessageCompression;
      int limit = options.maxInboundMessageSize() >= 0 ? options.maxInboundMessageSize()
          : clientTransport.maxInboundMessageSize();
      if (size > limit) {
        terminate(MessageLimit.responseTooLarge(size, limit),
            Status.CANCELLED.withDescription("client rejected a response of " + size + " bytes"));
        return;
      }
      lock.lock();
      try {
        if (serverClosed) {
          return;
        }
        if (!headersSent) {
          headersSent = true;
          toClient(() -> clientListener.onHeaders(new Metadata()));
        }
        toClientQueue.add(new Queued(payload, size + MESSAGE_OVERHEAD, compressed));
        toClientBytes += size + MESSAGE_OVERHEAD;
        pumpToClient();
      } finally {
        lock.unlock();
      }
      CallTracer t = serverTracer;
      if (t != null) {
        t.outboundMessage(size, size, compressed);
      }
      drainBoth();
    }

    @Override
    public boolean isReady() {
      lock.lock();
      try {
        if (serverClosed) {
          return false;
        }
        boolean ready = toClientBytes < WINDOW_BYTES;
        if (!ready) {
          serverWantsReady = true;
        }
        return ready;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void setCompression(String encoding) {
      // nothing is compressed in process; remembered for the flag the client sees
      serverEncoding = MessageCompression.IDENTITY.equalsIgnoreCase(encoding) ? null : encoding;
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      serverMessageCompression = enabled;
    }

    @Override
    public boolean inboundMessageCompressed() {
      return serverInboundCompressed;
    }

    @Override
    public void trace(CallTracer tracer) {
      serverTracer = tracer;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      serverDelivery.lock(); // waits out a server callback in flight: none follows this close
      try {
        serverListenerDone = true;
      } finally {
        serverDelivery.unlock();
      }
      lock.lock();
      try {
        if (serverClosed) {
          return;
        }
        serverClosed = true;
        toServerQueue.clear();
        toServerBytes = 0;
        Metadata t = trailers.copy();
        if (!clientClosed) {
          if (status.isOk()) {
            pendingStatus = status;
            pendingTrailers = t;
            pumpToClient();
          } else {
            toClientQueue.clear();
            toClientBytes = 0;
            closeClient(status.withCause(null), t); // causes stay on the server, as over the network
          }
        }
        if (clientWantsReady && !clientClosed) {
          clientWantsReady = false;
          toClient(() -> clientListener.onReady());
        }
      } finally {
        lock.unlock();
      }
      drainBoth();
    }
  }
}
