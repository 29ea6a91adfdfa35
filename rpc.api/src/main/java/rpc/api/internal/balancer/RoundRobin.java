package rpc.api.internal.balancer;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import rpc.api.ConnectivityState;
import rpc.api.Status;
import rpc.api.spi.LoadBalancer;

/**
 * gRPC's {@code round_robin}: one connection to every address, calls spread in turn over those
 * that are READY. A connection that goes away is reopened at once; one that fails reconnects after
 * its backoff while calls go elsewhere, and asks for a new resolution. A subchannel that failed
 * counts as failing until it is READY again, so the channel does not flap between
 * TRANSIENT_FAILURE and CONNECTING while every address is down.
 * Not thread-safe: the channel serializes its calls (see {@link LoadBalancer}).
 */
final class RoundRobin implements LoadBalancer {
  static final String NAME = "round_robin";

  private final Helper helper;
  private final Map<SocketAddress, Subchannel> subchannels = new LinkedHashMap<>();
  /** Subchannels that failed and have not been READY since. */
  private final Set<Subchannel> failed = new HashSet<>();
  private Status resolutionError;
  private boolean shutdown;
  private ConnectivityState published;
  private List<Subchannel> publishedReady = List.of();

  RoundRobin(Helper helper) {
    this.helper = helper;
  }

  @Override
  public void addressesChanged(List<SocketAddress> addresses) {
    if (shutdown) {
      return;
    }
    boolean changed = resolutionError != null;
    resolutionError = null;
    Set<SocketAddress> wanted = new HashSet<>(addresses);
    for (var it = subchannels.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.contains(e.getKey())) {
        e.getValue().shutdown();
        failed.remove(e.getValue());
        it.remove();
        changed = true;
      }
    }
    for (SocketAddress a : addresses) {
      if (!subchannels.containsKey(a)) {
        Subchannel s = helper.newSubchannel(a);
        subchannels.put(a, s);
        if (s.state() == ConnectivityState.TRANSIENT_FAILURE) {
          failed.add(s); // unusable from the start (the transport refused the address)
        }
        s.connect();
        changed = true;
      }
    }
    publish(changed || published == null); // the same addresses again (a refresh) keep the rotation going
  }

  @Override
  public void resolutionFailed(Status error) {
    if (!shutdown && subchannels.isEmpty()) {
      resolutionError = error;
      publish(true);
    }
  }

  @Override
  public void requestConnection() {
    for (Subchannel s : subchannels.values()) {
      if (s.state() == ConnectivityState.IDLE) {
        s.connect();
      }
    }
  }

  @Override
  public void subchannelStateChanged(Subchannel s, ConnectivityState state) {
    if (shutdown || subchannels.get(s.address()) != s) {
      return;
    }
    switch (state) {
      case IDLE -> {
        // The connection went away (a server's GOAWAY, its maximum connection age, a backoff that
        // ended): every address stays connected, and the name may have new addresses by now.
        helper.refreshResolution();
        s.connect();
      }
      case TRANSIENT_FAILURE -> {
        failed.add(s);
        helper.refreshResolution();
      }
      case READY -> failed.remove(s);
      default -> { }
    }
    publish(false);
  }

  /** Publishes the aggregate state and a picker over the READY subchannels, when either changed. */
  private void publish(boolean force) {
    List<Subchannel> ready = new ArrayList<>();
    boolean connecting = false;
    for (Subchannel s : subchannels.values()) {
      if (s.state() == ConnectivityState.READY) {
        ready.add(s);
      } else if (!failed.contains(s)) {
        connecting = true;
      }
    }
    ConnectivityState state;
    Picker picker;
    if (!ready.isEmpty()) {
      state = ConnectivityState.READY;
      Pick[] picks = ready.stream().map(Pick::of).toArray(Pick[]::new);
      AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(picks.length));
      picker = (m, o) -> picks[Math.floorMod(next.getAndIncrement(), picks.length)];
    } else if (connecting || (subchannels.isEmpty() && resolutionError == null)) {
      state = ConnectivityState.CONNECTING;
      picker = (m, o) -> Pick.queue();
    } else {
      state = ConnectivityState.TRANSIENT_FAILURE;
      Status error = resolutionError;
      for (Subchannel s : subchannels.values()) {
        if (error == null) {
          error = s.failure();
        }
      }
      Status why = error != null ? error
          : Status.UNAVAILABLE.withDescription("no address of " + helper.target() + " could be reached");
      picker = (m, o) -> Pick.fail(why);
    }
    if (!force && state == published && ready.equals(publishedReady) && state != ConnectivityState.TRANSIENT_FAILURE) {
      return;
    }
    published = state;
    publishedReady = ready;
    helper.updateState(state, picker);
  }

  @Override
  public void shutdown() {
    shutdown = true;
    for (Subchannel s : subchannels.values()) {
      s.shutdown();
    }
    subchannels.clear();
    failed.clear();
  }
}
