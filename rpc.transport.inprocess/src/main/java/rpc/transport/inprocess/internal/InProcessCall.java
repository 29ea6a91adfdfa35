package rpc.transport.inprocess.internal;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.CallOptions;
import rpc.api.Codec;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ServerCall;

/**
 * One in-process call: the client half ({@link #client()}) and the server half ({@link #server()})
 * joined by two bounded message queues.
 *
 * <p>Thread-safe: all state is guarded by one lock held only briefly; listener callbacks of each
 * half are queued under the lock and run serialized, outside it, by a {@link SerialExecutor}.
 * Messages are delivered only against demand ({@code request(n)}); a sender is "ready" while fewer
 * than {@link #WINDOW} of its messages wait undelivered, which bounds memory per call.
 */
final class InProcessCall<Req, Resp> {
  /** Messages that may wait undelivered in each direction before the sender is told to wait. */
  static final int WINDOW = 32;
  /** A waiting sender is woken once the queue has drained to this, not at the first free slot. */
  static final int RESUME = WINDOW / 2;

  private final InProcessClientTransport clientTransport;
  private final MethodDescriptor<Req, Resp> clientMethod;
  private final CallOptions options;
  private final ReentrantLock lock = new ReentrantLock();
  private final SerialExecutor toClient = new SerialExecutor();
  private final SerialExecutor toServer = new SerialExecutor();
  private final ClientHalf clientHalf = new ClientHalf();

  // guarded by lock
  private ClientCall.Listener<Resp> clientListener;
  private ServerCall.Listener<Req> serverListener; // read by queued tasks, which run after it is set
  private InProcessServerTransport server;
  private ServerHalf serverHalf;
  private MethodDescriptor<Req, Resp> serverMethod;
  private final ArrayDeque<Object> toServerQueue = new ArrayDeque<>();
  private final ArrayDeque<Object> toClientQueue = new ArrayDeque<>();
  private int serverDemand;
  private int clientDemand;
  private boolean clientHalfClosed;
  private boolean halfCloseDelivered;
  private boolean headersSent;
  private boolean serverClosed; // server half is finished: closed or cancelled
  private boolean clientClosed; // onClose queued for the client
  private Status pendingStatus; // OK close waiting for queued responses to drain
  private Metadata pendingTrailers;
  private boolean clientWantsReady;
  private boolean serverWantsReady;
  private boolean byReferenceUp;
  private boolean byReferenceDown;
  private volatile Status failOnStart;

  InProcessCall(InProcessClientTransport clientTransport, MethodDescriptor<Req, Resp> method, CallOptions options) {
    this.clientTransport = clientTransport;
    this.clientMethod = method;
    this.options = options;
  }

  /** Makes the call fail with {@code status} when it starts (the transport was shut down). */
  void failOnStart(Status status) {
    this.failOnStart = status;
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
    if (failOnStart != null) {
      terminate(failOnStart, null);
      return;
    }
    String name = clientTransport.name();
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
      serverHalf = half;
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

  // ------------------------------------------------------------------ delivery (lock held)

  private void pumpToServer() {
    while (serverDemand > 0 && !toServerQueue.isEmpty() && !serverClosed) {
      Object payload = toServerQueue.poll();
      serverDemand--;
      toServer.enqueue(() -> deliverToServer(payload));
    }
    if (toServerQueue.isEmpty() && clientHalfClosed && !halfCloseDelivered && !serverClosed) {
      halfCloseDelivered = true;
      toServer.enqueue(() -> serverListener.onHalfClose());
    }
    if (clientWantsReady && toServerQueue.size() <= RESUME) {
      clientWantsReady = false;
      toClient.enqueue(() -> clientListener.onReady());
    }
  }

  private void pumpToClient() {
    while (clientDemand > 0 && !toClientQueue.isEmpty() && !clientClosed) {
      Object payload = toClientQueue.poll();
      clientDemand--;
      toClient.enqueue(() -> deliverToClient(payload));
    }
    if (toClientQueue.isEmpty() && pendingStatus != null && !clientClosed) {
      Status s = pendingStatus;
      Metadata t = pendingTrailers;
      pendingStatus = null;
      clientClosed = true;
      toClient.enqueue(() -> clientListener.onClose(s, t));
      toClient.enqueue(this::unregister);
    }
    if (serverWantsReady && toClientQueue.size() <= RESUME) {
      serverWantsReady = false;
      toServer.enqueue(() -> serverListener.onReady());
    }
  }

  @SuppressWarnings("unchecked")
  private void deliverToServer(Object payload) {
    Req message;
    try {
      message = byReferenceUp ? (Req) payload : serverMethod.requestCodec().fromByteArray((byte[]) payload);
    } catch (RuntimeException e) {
      Status s = parseFailure(e, "request");
      terminate(s, s);
      return;
    }
    serverListener.onMessage(message);
  }

  /** The status for a message the codec could not parse: its own, or INTERNAL. */
  private static Status parseFailure(RuntimeException e, String what) {
    Status s = Status.fromThrowable(e);
    return s.code() != Status.Code.UNKNOWN ? s
        : Status.INTERNAL.withDescription("could not parse " + what + ": " + e).withCause(e);
  }

  @SuppressWarnings("unchecked")
  private void deliverToClient(Object payload) {
    Resp message;
    try {
      message = byReferenceDown ? (Resp) payload : clientMethod.responseCodec().fromByteArray((byte[]) payload);
    } catch (RuntimeException e) {
      terminate(parseFailure(e, "response"), Status.CANCELLED.withDescription("client could not parse a response"));
      return;
    }
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
      if (!clientClosed) {
        clientClosed = true;
        pendingStatus = null;
        toClient.enqueue(() -> clientListener.onClose(clientStatus, new Metadata()));
        toClient.enqueue(this::unregister);
      }
      if (!serverClosed) {
        serverClosed = true;
        if (serverListener != null || serverHalf != null) {
          Status s = serverStatus == null ? clientStatus : serverStatus;
          toServer.enqueue(() -> {
            if (serverListener != null) {
              serverListener.onCancel(s);
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

  private int checkSize(Codec<Object> codec, Object message, Object payload, int limit) {
    int size = payload instanceof byte[] b ? b.length : codec.encodedSize(message);
    return size > limit ? size : -1;
  }

  @SuppressWarnings("unchecked")
  private Object payloadOf(Codec<?> codec, Object message, boolean byReference) {
    return byReference ? message : ((Codec<Object>) codec).toByteArray(message);
  }

  // ------------------------------------------------------------------ client half

  private final class ClientHalf implements ClientCall<Req, Resp> {
    @Override
    public void start(Listener<Resp> listener, Metadata headers) {
      InProcessCall.this.start(listener, headers);
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
    @SuppressWarnings("unchecked")
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
      try {
        payload = payloadOf(clientMethod.requestCodec(), message, up);
      } catch (RuntimeException e) {
        Status s = Status.INTERNAL.withDescription("could not serialize request: " + e).withCause(e);
        terminate(s, Status.CANCELLED.withDescription("client could not serialize a request"));
        return;
      }
      int limit = srv.maxInboundMessageSize();
      int tooBig = checkSize((Codec<Object>) clientMethod.requestCodec(), message, payload, limit);
      if (tooBig >= 0) {
        Status s = Status.RESOURCE_EXHAUSTED.withDescription(
            "request message of " + tooBig + " bytes exceeds the server's maximum of " + limit + " bytes");
        terminate(s, s);
        return;
      }
      lock.lock();
      try {
        if (serverClosed || clientClosed) {
          return;
        }
        toServerQueue.add(payload);
        pumpToServer();
      } finally {
        lock.unlock();
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
        boolean ready = serverMethod != null && toServerQueue.size() < WINDOW;
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
      Status toServerStatus = status.code() == Status.Code.DEADLINE_EXCEEDED
          ? status
          : Status.CANCELLED.withDescription("cancelled by the client" + (status.description() == null ? ""
              : ": " + status.description()));
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
          toClient.enqueue(() -> clientListener.onHeaders(h));
        }
      } finally {
        lock.unlock();
      }
      toClient.drain();
    }

    @Override
    @SuppressWarnings("unchecked")
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
      try {
        payload = payloadOf(serverMethod.responseCodec(), message, down);
      } catch (RuntimeException e) {
        Status s = Status.INTERNAL.withDescription("server could not serialize a response: " + e).withCause(e);
        terminate(s, s);
        return;
      }
      int limit = options.maxInboundMessageSize() >= 0 ? options.maxInboundMessageSize()
          : clientTransport.maxInboundMessageSize();
      int tooBig = checkSize((Codec<Object>) serverMethod.responseCodec(), message, payload, limit);
      if (tooBig >= 0) {
        terminate(Status.RESOURCE_EXHAUSTED.withDescription(
            "response message of " + tooBig + " bytes exceeds the client's maximum of " + limit + " bytes"),
            Status.CANCELLED.withDescription("client rejected a response of " + tooBig + " bytes"));
        return;
      }
      lock.lock();
      try {
        if (serverClosed) {
          return;
        }
        if (!headersSent) {
          headersSent = true;
          toClient.enqueue(() -> clientListener.onHeaders(new Metadata()));
        }
        toClientQueue.add(payload);
        pumpToClient();
      } finally {
        lock.unlock();
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
        boolean ready = toClientQueue.size() < WINDOW;
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
      // nothing is compressed in process
    }

    @Override
    public void close(Status status, Metadata trailers) {
      lock.lock();
      try {
        if (serverClosed) {
          return;
        }
        serverClosed = true;
        toServerQueue.clear();
        Metadata t = trailers.copy();
        if (!clientClosed) {
          if (status.isOk()) {
            pendingStatus = status;
            pendingTrailers = t;
            pumpToClient();
          } else {
            toClientQueue.clear();
            clientClosed = true;
            Status wire = status.withCause(null); // causes stay on the server, as over the network
            toClient.enqueue(() -> clientListener.onClose(wire, t));
            toClient.enqueue(InProcessCall.this::unregister);
          }
        }
        if (clientWantsReady) {
          clientWantsReady = false;
          toClient.enqueue(() -> clientListener.onReady());
        }
      } finally {
        lock.unlock();
      }
      drainBoth();
    }
  }
}
