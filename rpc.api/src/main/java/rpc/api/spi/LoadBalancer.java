package rpc.api.spi;

import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import rpc.api.CallOptions;
import rpc.api.ConnectivityState;
import rpc.api.MethodDescriptor;
import rpc.api.Status;

/**
 * Decides which of a channel's servers each call goes to. Created by a
 * {@link LoadBalancerProvider} for one channel; it keeps one {@link Subchannel} (one connection)
 * per address it wants to use and publishes a {@link Picker} that the channel asks for each call.
 *
 * <p>Thread-safety: not thread-safe, and need not be. The channel calls this balancer's methods one
 * at a time, never concurrently, on whichever thread it serializes them on; the balancer calls its
 * {@link Helper} and its subchannels only from inside those methods. The {@link Picker} it
 * publishes is the exception: it is called from many threads at once.
 */
public interface LoadBalancer {

  /**
   * The target resolved (again) to {@code addresses}: create subchannels for new addresses, shut
   * down those of addresses that went away.
   *
   * @param addresses one or more addresses, in the resolver's order of preference
   */
  void addressesChanged(List<SocketAddress> addresses);

  /**
   * Resolution failed. A balancer with working subchannels keeps using them; one without any
   * publishes a picker that fails calls with {@code error}.
   *
   * @param error the resolver's {@code UNAVAILABLE} status
   */
  void resolutionFailed(Status error);

  /**
   * A subchannel's state changed ({@link Subchannel#state()} says the same). Not called after the
   * subchannel is shut down.
   *
   * @param subchannel the subchannel
   * @param state its new state
   */
  void subchannelStateChanged(Subchannel subchannel, ConnectivityState state);

  /** The channel wants to leave IDLE (a call is waiting, or the application asked): connect. */
  void requestConnection();

  /** Shuts down every subchannel; nothing is called afterwards. */
  void shutdown();

  /**
   * What the channel offers its balancer. Call only from inside the balancer's methods.
   */
  interface Helper {
    /**
     * A new subchannel to {@code address}, IDLE (not connecting until {@link Subchannel#connect()}
     * or a call picked on it).
     *
     * @param address the address
     * @return the new subchannel
     */
    Subchannel newSubchannel(SocketAddress address);

    /**
     * Publishes the balancer's aggregate state and the picker for calls from now on; calls waiting
     * for a pick are offered to it at once.
     *
     * @param state the channel's new state (not SHUTDOWN)
     * @param picker the picker
     */
    void updateState(ConnectivityState state, Picker picker);

    /** Asks the resolver for a new resolution (an address failed, say); rate-limited by the resolver. */
    void refreshResolution();

    /** {@return the channel's target, as the application gave it (for messages)} */
    String target();
  }

  /**
   * One connection to one address: a client transport and its state. Not thread-safe: use from the
   * balancer's methods only (its {@link #state()} may be read anywhere).
   */
  interface Subchannel {
    /** {@return the address this subchannel connects to} */
    SocketAddress address();

    /** {@return the subchannel's state, as last reported to the balancer} */
    ConnectivityState state();

    /** {@return why the subchannel is in TRANSIENT_FAILURE, or null} */
    Status failure();

    /** Starts connecting if IDLE. */
    void connect();

    /** Stops taking calls; calls already on it finish. The balancer hears no more about it. */
    void shutdown();
  }

  /**
   * Chooses a subchannel for a call. Thread-safe: called from many threads at once, on the path of
   * every call; it must be fast and must not block. Immutable in practice: a balancer publishes a
   * new picker rather than changing one.
   */
  @FunctionalInterface
  interface Picker {
    /**
     * Picks for one call.
     *
     * @param method the call's method
     * @param options the call's options
     * @return the decision
     */
    Pick pick(MethodDescriptor<?, ?> method, CallOptions options);
  }

  /**
   * A picker's decision for one call: a READY subchannel, or wait for the next picker, or fail.
   * Immutable.
   *
   * @param subchannel the subchannel to use, or null
   * @param error the status to fail the call with (unless it waits for ready), or null
   */
  record Pick(Subchannel subchannel, Status error) {
    private static final Pick QUEUE = new Pick(null, null);

    /**
     * Use {@code subchannel} (READY; if it has just stopped being READY, its transport queues or
     * fails the call as it would any other).
     *
     * @param subchannel the subchannel
     * @return the decision
     */
    public static Pick of(Subchannel subchannel) {
      return new Pick(Objects.requireNonNull(subchannel, "subchannel"), null);
    }

    /** {@return the decision to hold the call until the balancer publishes its next picker} */
    public static Pick queue() {
      return QUEUE;
    }

    /**
     * Fail the call with {@code error}, unless it waits for ready: then it is held for the next
     * picker, as with {@link #queue()}.
     *
     * @param error the status, normally {@code UNAVAILABLE}
     * @return the decision
     */
    public static Pick fail(Status error) {
      return new Pick(null, Objects.requireNonNull(error, "error"));
    }
  }
}
