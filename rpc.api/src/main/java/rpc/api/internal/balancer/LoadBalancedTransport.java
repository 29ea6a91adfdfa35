package rpc.api.internal.balancer;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.CallOptions;
import rpc.api.ConnectivityState;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.LoadBalancer;
import rpc.api.spi.LoadBalancerProvider;
import rpc.api.spi.NameResolver;
import rpc.api.spi.SerialExecutor;
import rpc.api.spi.TransportProvider;

/**
 * A channel's calls spread over the addresses its target resolves to: a {@link NameResolver}
 * feeds a {@link LoadBalancer}, which keeps one client transport (subchannel) per address it uses
 * and publishes a picker; each new call asks the picker for a subchannel and goes straight to that
 * subchannel's transport. A call the picker cannot place yet (no connection is READY) is a
 * {@link PendingCall}, held until a picker places it, its deadline passes or it is cancelled.
 *
 * <p>The channel leaves IDLE on its first call (or {@link #connect()}): only then does it resolve
 * and connect. Resolver results, subchannel state changes and the balancer's own methods run one at
 * a time on a {@link SerialExecutor} with no thread of its own.
 *
 * <p>Thread-safe.
 */
public final class LoadBalancedTransport implements ClientTransport {
  private static final System.Logger LOG = System.getLogger("rpc.api.balancer");

  private final ClientTransportConfig config;
  private volatile String healthService;
  /** The settings of each subchannel's transport (the address added per subchannel). */
  private final ClientTransportConfig subchannelConfig;
  private final TransportProvider provider;
  private final NameResolver resolver;
  private LoadBalancer balancer; // serial-confined once built; replaced when the service config switches policy
  private final java.util.function.Function<Map<String, ?>, ServiceConfigChange> configSink;
  private final SerialExecutor serial = new SerialExecutor();

  private final ReentrantLock lock = new ReentrantLock();
  /** Calls waiting for a pick; under {@link #lock}. */
  private final Set<PendingCall<?, ?>> pending = new java.util.LinkedHashSet<>();
  private volatile LoadBalancer.Picker picker = (m, o) -> LoadBalancer.Pick.queue();
  private volatile ConnectivityState state = ConnectivityState.IDLE;
  private volatile boolean shutdown;
  /** Every subchannel transport made, until it terminates: what {@link #awaitTermination} waits for. */
  private final Set<ClientTransport> transports = ConcurrentHashMap.newKeySet();
  /** Transports of subchannels shut down; forgotten once terminated (see {@link #forgetTerminated}). */
  private final Set<ClientTransport> retired = ConcurrentHashMap.newKeySet();
  private final CountDownLatch balancerStopped = new CountDownLatch(1);
  private volatile Runnable onStateChange = () -> { };
  // Serial-confined:
  private List<SocketAddress> lastAddresses;
  private boolean resolverGaveConfig;
  private String policyName;
  private boolean resolverStarted;
  private boolean stopped;

  /**
   * A balanced transport for {@code config}'s target.
   *
   * @param resolver resolves the target (not started)
   * @param policy creates the balancer
   * @param provider creates one client transport per address
   */
  public LoadBalancedTransport(ClientTransportConfig config, NameResolver resolver, LoadBalancerProvider policy,
      TransportProvider provider) {
    this(config, resolver, policy, provider, null, null);
  }

  /**
   * What a service config from the resolver changes here: the policy to switch to (null: keep
   * it) and the service whose health subchannels watch from now on.
   *
   * @param policy the new policy's provider, or null to keep the current one
   * @param healthService the health check service, or null for none
   */
  public record ServiceConfigChange(LoadBalancerProvider policy, String healthService) {}

  /**
   * A balanced transport whose subchannels also watch {@code healthService}'s health (gRFC A17):
   * a subchannel whose server does not report SERVING for it takes no calls.
   *
   * @param healthService the service to watch ("" for the whole server), or null for no health checks
   * @param configSink applies a service config from the resolver (null: the channel's default
   *     again) and says what changes here; null if the channel takes none, or null when the
   *     config is not valid (it is then ignored)
   */
  public LoadBalancedTransport(ClientTransportConfig config, NameResolver resolver, LoadBalancerProvider policy,
      TransportProvider provider, String healthService,
      java.util.function.Function<Map<String, ?>, ServiceConfigChange> configSink) {
    this.healthService = healthService;
    this.configSink = configSink;
    this.policyName = policy.policy();
    this.config = config;
    this.subchannelConfig = withAuthority(config);
    this.resolver = resolver;
    this.provider = provider;
    this.balancer = policy.newLoadBalancer(new Helper());
  }

  /**
   * The target as the transports get it: its authority is the {@code :authority} of calls, so an
   * address list ({@code ipv4:a:1,b:2}) gives its first address, as one server name would.
   */
  private static ClientTransportConfig withAuthority(ClientTransportConfig config) {
    rpc.api.spi.Target t = config.target();
    if (!t.scheme().equals("ipv4") && !t.scheme().equals("ipv6")) {
      return config;
    }
    String first = t.authority().split(",", -1)[0].strip();
    if (t.scheme().equals("ipv6") && !first.startsWith("[")) {
      first = "[" + first + "]";
    }
    return new ClientTransportConfig(new rpc.api.spi.Target(t.scheme(), first, t.text()), config.maxInboundMessageSize(),
        config.sslContext(), config.userAgent(), config.idleTimeout(), config.keepAliveTime(), config.options());
  }

  @Override
  public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    LoadBalancer.Pick pick = pick(picker, method, options);
    if (pick != null && pick.subchannel() instanceof Sub sub) {
      return sub.transport.newCall(method, options);
    }
    return new PendingCall<>(this, method, options);
  }

  /** The picker's decision, or null if the picker itself failed (then the call waits for the next one). */
  static LoadBalancer.Pick pick(LoadBalancer.Picker picker, MethodDescriptor<?, ?> method, CallOptions options) {
    try {
      return picker.pick(method, options);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "load balancer picker " + picker + " failed", e);
      return null;
    }
  }

  // ---- pending calls ----

  /**
   * Holds {@code call} until a picker places it; returns the picker it must try first, or null if
   * the channel is shut down (the call then fails).
   */
  LoadBalancer.Picker hold(PendingCall<?, ?> call) {
    LoadBalancer.Picker p;
    boolean wake;
    lock.lock();
    try {
      if (shutdown && balancerStoppedNow()) {
        return null;
      }
      pending.add(call);
      p = picker;
      wake = state == ConnectivityState.IDLE;
    } finally {
      lock.unlock();
    }
    if (wake) {
      connect();
    }
    return p;
  }

  private boolean balancerStoppedNow() {
    return balancerStopped.getCount() == 0;
  }

  /** The call left the queue (placed, failed or cancelled). */
  void release(PendingCall<?, ?> call) {
    boolean last;
    lock.lock();
    try {
      last = pending.remove(call) && pending.isEmpty() && shutdown;
    } finally {
      lock.unlock();
    }
    if (last) {
      serial.execute(this::stopIfDone);
    }
  }

  /** A subchannel's transport for a pick, or null if the pick did not name one of ours. */
  ClientTransport transportOf(LoadBalancer.Pick pick) {
    return pick != null && pick.subchannel() instanceof Sub sub ? sub.transport : null;
  }

  // ---- state ----

  @Override
  public ConnectivityState state() {
    return state;
  }

  @Override
  public Status failure() {
    return null;
  }

  @Override
  public void connect() {
    if (state == ConnectivityState.IDLE && !shutdown) {
      serial.execute(this::exitIdle);
    }
  }

  private void exitIdle() {
    if (stopped) {
      return;
    }
    if (!resolverStarted) {
      resolverStarted = true;
      setState(ConnectivityState.CONNECTING, null);
      try {
        resolver.start(new ResolverListener());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "name resolver " + resolver + " failed to start", e);
        balancer.resolutionFailed(Status.UNAVAILABLE.withDescription("name resolver for " + config.target().text()
            + " failed: " + e).withCause(e));
      }
    } else {
      balancer.requestConnection();
    }
  }

  @Override
  public void watchState(Runnable onChange) {
    this.onStateChange = onChange;
  }

  /** Under the serial executor or the lock-free paths: publishes a state and, with a picker, re-picks. */
  private void setState(ConnectivityState newState, LoadBalancer.Picker newPicker) {
    List<PendingCall<?, ?>> retry = null;
    lock.lock();
    try {
      if (!shutdown) {
        state = newState;
      }
      if (newPicker != null) {
        picker = newPicker;
        if (!pending.isEmpty()) {
          retry = new ArrayList<>(pending);
        }
      }
    } finally {
      lock.unlock();
    }
    if (retry != null) {
      for (PendingCall<?, ?> call : retry) {
        call.retry(newPicker);
      }
    }
    onStateChange.run();
  }

  /** Serial: a service config from the resolver (or none any more). */
  private void configChanged(Map<String, ?> raw) {
    if (configSink == null) {
      return;
    }
    ServiceConfigChange change = configSink.apply(raw);
    if (change == null) {
      return; // not valid: logged by the channel, the previous config stays
    }
    healthService = change.healthService();
    if (change.policy() != null && !change.policy().policy().equals(policyName)) {
      LOG.log(System.Logger.Level.DEBUG, () -> config.target().text() + ": service config switches policy from "
          + policyName + " to " + change.policy().policy());
      LoadBalancer old = balancer;
      policyName = change.policy().policy();
      balancer = change.policy().newLoadBalancer(new Helper());
      old.shutdown(); // its subchannels finish their calls; the new balancer makes its own
      if (lastAddresses != null) {
        balancer.addressesChanged(lastAddresses);
      }
    }
  }

  // ---- lifecycle ----

  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      state = ConnectivityState.SHUTDOWN;
    } finally {
      lock.unlock();
    }
    onStateChange.run();
    serial.execute(this::stopIfDone);
  }

  /** Serial: once shut down and no call is waiting for a pick, stops resolving and balancing. */
  private void stopIfDone() {
    boolean idle;
    lock.lock();
    try {
      idle = pending.isEmpty();
    } finally {
      lock.unlock();
    }
    if (stopped || !shutdown || !idle) {
      return;
    }
    stopped = true;
    resolver.shutdown();
    balancer.shutdown(); // graceful for each subchannel: its calls finish
    balancerStopped.countDown();
  }

  @Override
  public void shutdownNow() {
    List<PendingCall<?, ?>> waiting;
    lock.lock();
    try {
      shutdown = true;
      state = ConnectivityState.SHUTDOWN;
      waiting = new ArrayList<>(pending);
    } finally {
      lock.unlock();
    }
    Status status = Status.UNAVAILABLE.withDescription("channel to " + config.target().text() + " was shut down");
    for (PendingCall<?, ?> call : waiting) {
      call.cancel(status);
    }
    onStateChange.run();
    serial.execute(this::stopIfDone);
    for (ClientTransport t : List.copyOf(transports)) {
      t.shutdownNow();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (!balancerStopped.await(timeout, unit)) {
      return false;
    }
    for (ClientTransport t : List.copyOf(transports)) {
      if (!t.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "LoadBalancedTransport{" + config.target().text() + ", " + state + "}";
  }

  /**
   * Drops the retired transports that have terminated, so that a long-lived channel whose
   * addresses change does not keep every old one. Run when a subchannel is made: the set grows only
   * then.
   */
  private void forgetTerminated() {
    for (ClientTransport t : retired) {
      boolean done;
      try {
        done = t.awaitTermination(0, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (done) {
        retired.remove(t);
        transports.remove(t);
      }
    }
  }

  // ---- the balancer's view ----

  private final class ResolverListener implements NameResolver.Listener {
    @Override
    public void onResult(List<SocketAddress> addresses, Map<String, ?> serviceConfig) {
      List<SocketAddress> copy = List.copyOf(addresses);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("no addresses: report that with onError");
      }
      serial.execute(() -> {
        if (stopped) {
          return;
        }
        if (serviceConfig != null || resolverGaveConfig) {
          resolverGaveConfig = serviceConfig != null;
          configChanged(serviceConfig);
        }
        lastAddresses = copy;
        balancer.addressesChanged(copy);
      });
    }

    @Override
    public void onError(Status error) {
      serial.execute(() -> {
        if (!stopped) {
          LOG.log(System.Logger.Level.DEBUG, () -> "resolving " + config.target().text() + " failed: "
              + error.description());
          balancer.resolutionFailed(error);
        }
      });
    }
  }

  private final class Helper implements LoadBalancer.Helper {
    @Override
    public LoadBalancer.Subchannel newSubchannel(SocketAddress address) {
      forgetTerminated();
      ClientTransport t;
      try {
        t = provider.newClientTransport(subchannelConfig.withAddress(address));
      } catch (RuntimeException e) {
        // An address the transport cannot use (a kind of SocketAddress it does not know, TLS over
        // a Unix socket...): a subchannel that fails every call saying why, never one that hangs.
        Status why = Status.UNAVAILABLE.withDescription("cannot use address " + address + " of "
            + config.target().text() + ": " + e.getMessage()).withCause(e);
        LOG.log(System.Logger.Level.WARNING, why.description());
        t = new UnusableTransport(why);
      }
      Sub sub = new Sub(address, t);
      transports.add(t);
      t.watchState(() -> serial.execute(sub::stateMayHaveChanged));
      return sub;
    }

    @Override
    public void updateState(ConnectivityState newState, LoadBalancer.Picker newPicker) {
      if (newState == ConnectivityState.SHUTDOWN) {
        throw new IllegalArgumentException("a balancer does not shut the channel down");
      }
      setState(newState, java.util.Objects.requireNonNull(newPicker, "picker"));
    }

    @Override
    public void refreshResolution() {
      if (resolverStarted && !stopped) {
        resolver.refresh();
      }
    }

    @Override
    public String target() {
      return config.target().text();
    }
  }

  /** The transport of an address the provider refused: always TRANSIENT_FAILURE, every call fails with why. */
  private static final class UnusableTransport implements ClientTransport {
    private final Status why;

    UnusableTransport(Status why) {
      this.why = why;
    }

    @Override
    public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
      return new rpc.api.internal.client.FailedCall<>(method, why);
    }

    @Override
    public ConnectivityState state() {
      return ConnectivityState.TRANSIENT_FAILURE;
    }

    @Override
    public Status failure() {
      return why;
    }

    @Override
    public void shutdown() {}

    @Override
    public void shutdownNow() {}

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  /**
   * A subchannel: one address, one client transport, the state last told to the balancer. With
   * health checking, a READY transport counts as READY only while its server reports SERVING:
   * CONNECTING until the first answer, TRANSIENT_FAILURE when it says anything else or the watch
   * fails (watched again after a backoff); a server without the health service
   * ({@code UNIMPLEMENTED}) is taken as healthy, as gRFC A17 says.
   */
  private final class Sub implements LoadBalancer.Subchannel {
    private final SocketAddress address;
    final ClientTransport transport;
    private volatile ConnectivityState reported;
    private boolean shutDown;
    // Health checking, serial-confined:
    private HealthWatch watch;
    private int health = -1; // -1: no answer yet; else the last ServingStatus
    private volatile Status healthFailure;
    private boolean healthDisabled;
    private java.util.concurrent.ScheduledFuture<?> healthRetry;
    private final Backoff healthBackoff = new Backoff();

    Sub(SocketAddress address, ClientTransport transport) {
      this.address = address;
      this.transport = transport;
      ConnectivityState initial = transport.state(); // READY for a transport that never changes state
      this.reported = initial == ConnectivityState.SHUTDOWN ? ConnectivityState.IDLE : initial;
      if (initial == ConnectivityState.READY && healthService != null) {
        this.reported = ConnectivityState.CONNECTING;
        serial.execute(this::stateMayHaveChanged);
      }
    }

    private boolean checksHealth() {
      return healthService != null && !healthDisabled;
    }

    /** Serial. */
    void stateMayHaveChanged() {
      if (shutDown || stopped) {
        return;
      }
      ConnectivityState t = transport.state();
      if (checksHealth()) {
        if (t == ConnectivityState.READY) {
          if (watch == null && healthRetry == null) {
            startWatch();
          }
        } else {
          stopWatch();
          health = -1;
          healthFailure = null;
        }
      }
      ConnectivityState now = t;
      if (t == ConnectivityState.READY && checksHealth()) {
        now = health == HealthWatch.SERVING ? ConnectivityState.READY
            : health == -1 && healthFailure == null ? ConnectivityState.CONNECTING
            : ConnectivityState.TRANSIENT_FAILURE;
      }
      if (now != reported && now != ConnectivityState.SHUTDOWN) {
        ConnectivityState was = now;
        reported = now;
        LOG.log(System.Logger.Level.DEBUG, () -> config.target().text() + ": " + address + " is " + was);
        balancer.subchannelStateChanged(this, now);
      }
    }

    private void startWatch() {
      HealthWatch[] self = new HealthWatch[1];
      self[0] = HealthWatch.start(transport, healthService, new HealthWatch.Listener() {
        @Override
        public void status(int servingStatus) {
          serial.execute(() -> {
            if (watch != self[0]) {
              return;
            }
            health = servingStatus;
            healthBackoff.reset();
            healthFailure = servingStatus == HealthWatch.SERVING ? null : Status.UNAVAILABLE.withDescription(
                "health check of " + address + ": service '" + healthService + "' is "
                    + HealthWatch.statusName(servingStatus));
            stateMayHaveChanged();
          });
        }

        @Override
        public void ended(Status status) {
          serial.execute(() -> {
            if (watch != self[0]) {
              return; // stopped on purpose
            }
            watch = null;
            if (status.code() == Status.Code.UNIMPLEMENTED) {
              healthDisabled = true;
              LOG.log(System.Logger.Level.WARNING, address + " has no health service (" + status.description()
                  + "); calls go to it without health checks");
            } else if (!shutDown && !stopped) {
              health = -2;
              healthFailure = Status.UNAVAILABLE.withDescription("health check of " + address + " failed: "
                  + status.code() + (status.description() == null ? "" : " " + status.description()));
              healthRetry = rpc.api.internal.Scheduler.schedule(() -> serial.execute(() -> {
                healthRetry = null;
                stateMayHaveChanged();
              }), healthBackoff.nextDelayNanos());
            }
            stateMayHaveChanged();
          });
        }
      });
      watch = self[0];
    }

    private void stopWatch() {
      HealthWatch w = watch;
      watch = null;
      if (w != null) {
        w.cancel();
      }
      if (healthRetry != null) {
        healthRetry.cancel(false);
        healthRetry = null;
      }
    }

    @Override
    public SocketAddress address() {
      return address;
    }

    @Override
    public ConnectivityState state() {
      return reported;
    }

    @Override
    public Status failure() {
      Status h = healthFailure;
      return h != null && transport.state() == ConnectivityState.READY ? h : transport.failure();
    }

    @Override
    public void connect() {
      transport.connect();
    }

    @Override
    public void shutdown() {
      if (!shutDown) {
        shutDown = true;
        stopWatch();
        transport.shutdown();
        retired.add(transport);
      }
    }

    @Override
    public String toString() {
      return "Subchannel{" + address + ", " + reported + "}";
    }
  }
}
