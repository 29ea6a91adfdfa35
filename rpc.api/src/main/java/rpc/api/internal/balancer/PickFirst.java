package rpc.api.internal.balancer;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import rpc.api.ConnectivityState;
import rpc.api.Status;
import rpc.api.spi.LoadBalancer;

/**
 * gRPC's default policy: try the addresses in order until one connects, then send every call
 * there. When that connection goes away the channel goes IDLE (and asks for a new resolution); the
 * next call starts over from the first address. While every address fails the channel is in
 * TRANSIENT_FAILURE and keeps trying each one as its backoff ends.
 * Not thread-safe: the channel serializes its calls (see {@link LoadBalancer}).
 */
final class PickFirst implements LoadBalancer {
  static final String NAME = "pick_first";

  private final Helper helper;
  private final List<Subchannel> subchannels = new ArrayList<>();
  private Subchannel selected;
  /** The index of the subchannel being tried, or -1 when not trying. */
  private int attempt = -1;
  private boolean failing;
  private boolean shutdown;

  PickFirst(Helper helper) {
    this.helper = helper;
  }

  @Override
  public void addressesChanged(List<SocketAddress> addresses) {
    if (shutdown) {
      return;
    }
    List<SocketAddress> current = subchannels.stream().map(Subchannel::address).toList();
    if (current.equals(addresses)) {
      return;
    }
    Subchannel keep = selected != null && addresses.contains(selected.address()) ? selected : null;
    for (Subchannel s : subchannels) {
      if (s != keep) {
        s.shutdown();
      }
    }
    subchannels.clear();
    for (SocketAddress a : addresses) {
      subchannels.add(a.equals(keep == null ? null : keep.address()) ? keep : helper.newSubchannel(a));
    }
    if (keep != null) {
      selected = keep;
      attempt = -1;
      return; // still connected where it was
    }
    selected = null;
    attempt = -1;
    startAttempt(0); // the channel resolves when it wants to connect
  }

  @Override
  public void resolutionFailed(Status error) {
    if (!shutdown && subchannels.isEmpty()) {
      failing = true;
      helper.updateState(ConnectivityState.TRANSIENT_FAILURE, (m, o) -> Pick.fail(error));
    }
  }

  @Override
  public void requestConnection() {
    if (!shutdown && selected == null && attempt < 0 && !subchannels.isEmpty()) {
      startAttempt(0);
    }
  }

  /**
   * Tries the addresses from {@code index} on: the first READY one is selected, the first one not
   * in backoff is connected; if every one from there is in backoff, the channel fails.
   */
  private void startAttempt(int index) {
    for (int i = index; i < subchannels.size(); i++) {
      Subchannel s = subchannels.get(i);
      switch (s.state()) {
        case READY -> {
          select(s);
          return;
        }
        case TRANSIENT_FAILURE -> {
          continue; // still in its backoff: the next address
        }
        default -> {
          attempt = i;
          if (!failing) {
            helper.updateState(ConnectivityState.CONNECTING, (m, o) -> Pick.queue());
          }
          s.connect();
          return;
        }
      }
    }
    allFailed();
  }

  private void allFailed() {
    attempt = -1;
    failing = true;
    Status error = null;
    for (int i = subchannels.size() - 1; i >= 0 && error == null; i--) {
      error = subchannels.get(i).failure();
    }
    Status why = error != null ? error
        : Status.UNAVAILABLE.withDescription("no address of " + helper.target() + " could be reached");
    helper.refreshResolution();
    helper.updateState(ConnectivityState.TRANSIENT_FAILURE, (m, o) -> Pick.fail(why));
  }

  private void select(Subchannel s) {
    selected = s;
    attempt = -1;
    failing = false;
    Pick pick = Pick.of(s);
    helper.updateState(ConnectivityState.READY, (m, o) -> pick);
  }

  @Override
  public void subchannelStateChanged(Subchannel s, ConnectivityState state) {
    if (shutdown || !subchannels.contains(s)) {
      return;
    }
    if (s == selected) {
      if (state != ConnectivityState.READY) {
        selected = null; // the connection went away: idle until a call wants one again
        helper.refreshResolution();
        helper.updateState(ConnectivityState.IDLE, (m, o) -> Pick.queue());
      }
      return;
    }
    if (state == ConnectivityState.READY) {
      select(s);
      return;
    }
    if (state == ConnectivityState.TRANSIENT_FAILURE && attempt >= 0 && subchannels.get(attempt) == s) {
      startAttempt(attempt + 1);
      return;
    }
    if (state == ConnectivityState.IDLE && failing && attempt < 0) {
      startAttempt(subchannels.indexOf(s)); // its backoff is over: try it again, staying in TRANSIENT_FAILURE
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    for (Subchannel s : subchannels) {
      s.shutdown();
    }
    subchannels.clear();
  }
}
