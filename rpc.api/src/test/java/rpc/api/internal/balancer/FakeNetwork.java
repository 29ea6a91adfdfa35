package rpc.api.internal.balancer;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import rpc.api.CallOptions;
import rpc.api.ConnectivityState;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.TransportProvider;

/**
 * A transport provider whose per-address transports change state when a test says so, and whose
 * calls record what was done to them: the balancer's own logic, tested without sockets.
 * Thread-safe.
 */
final class FakeNetwork implements TransportProvider {
  final Map<SocketAddress, FakeTransport> transports = new ConcurrentHashMap<>();

  FakeTransport at(SocketAddress a) {
    return transports.get(a);
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("dns");
  }

  @Override
  public ClientTransport newClientTransport(ClientTransportConfig config) {
    FakeTransport t = new FakeTransport(config.address());
    transports.put(config.address(), t);
    return t;
  }

  @Override
  public ServerTransport newServerTransport(ServerTransportConfig config) {
    throw new UnsupportedOperationException();
  }

  /** One address: its state is set by the test; connect() records the wish. */
  static final class FakeTransport implements ClientTransport {
    final SocketAddress address;
    volatile ConnectivityState state = ConnectivityState.IDLE;
    volatile int connects;
    volatile boolean shutdown;
    volatile Status failure;
    final List<FakeCall<?, ?>> calls = new CopyOnWriteArrayList<>();
    private volatile Runnable watcher = () -> { };
    private final CountDownLatch terminated = new CountDownLatch(1);

    FakeTransport(SocketAddress address) {
      this.address = address;
    }

    void set(ConnectivityState s) {
      failure = s == ConnectivityState.TRANSIENT_FAILURE
          ? Status.UNAVAILABLE.withDescription("cannot connect to " + address) : null;
      state = s;
      watcher.run();
    }

    @Override
    public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
      FakeCall<Req, Resp> c = new FakeCall<>(method, this);
      calls.add(c);
      return c;
    }

    @Override
    public ConnectivityState state() {
      return shutdown ? ConnectivityState.SHUTDOWN : state;
    }

    @Override
    public Status failure() {
      return failure;
    }

    @Override
    public void connect() {
      connects++;
    }

    @Override
    public void watchState(Runnable onChange) {
      watcher = onChange;
    }

    @Override
    public void shutdown() {
      shutdown = true;
      terminated.countDown();
    }

    @Override
    public void shutdownNow() {
      shutdown();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return terminated.await(timeout, unit);
    }
  }

  /** Records operations as text ("start", "request 2", "send x", "halfClose", "cancel CANCELLED"). */
  static final class FakeCall<Req, Resp> implements ClientCall<Req, Resp> {
    final MethodDescriptor<Req, Resp> method;
    final FakeTransport transport;
    final List<String> ops = new CopyOnWriteArrayList<>();
    volatile Listener<Resp> listener;
    volatile boolean ready = true;
    private volatile boolean closed;

    FakeCall(MethodDescriptor<Req, Resp> method, FakeTransport transport) {
      this.method = method;
      this.transport = transport;
    }

    @Override
    public void start(Listener<Resp> listener, Metadata headers) {
      this.listener = listener;
      ops.add("start");
    }

    @Override
    public void request(int n) {
      ops.add("request " + n);
    }

    @Override
    public void send(Req message) {
      ops.add("send " + message);
    }

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void halfClose() {
      ops.add("halfClose");
    }

    @Override
    public void cancel(Status status) {
      ops.add("cancel " + status.code());
      Listener<Resp> l = listener;
      if (l != null && !closed) {
        closed = true;
        l.onClose(status, new Metadata());
      }
    }

    @Override
    public MethodDescriptor<Req, Resp> method() {
      return method;
    }
  }
}
