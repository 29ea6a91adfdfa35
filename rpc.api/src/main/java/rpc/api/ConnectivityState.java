package rpc.api;

/**
 * The connectivity state of a {@link Channel} or of one of its connections, as grpc's
 * {@code doc/connectivity-semantics-and-api.md} defines it.
 * Immutable (an enum).
 *
 * <p>A channel over a network transport is IDLE until its first call (or
 * {@link Channel#state(boolean) state(true)}), then
 * CONNECTING while it resolves its target and opens connections, READY once a call can be sent
 * without waiting, TRANSIENT_FAILURE while no address can be reached (calls fail fast with
 * {@code UNAVAILABLE} unless they {@linkplain CallOptions#withWaitForReady wait for ready}; the
 * channel keeps trying with backoff), and SHUTDOWN once closed. A channel that has been READY goes
 * back to IDLE when its connections close (an idle timeout, a server's GOAWAY) and reconnects on
 * the next call. A channel whose transport keeps no connections (in-process) is READY from the
 * start until it is closed.
 */
public enum ConnectivityState {
  /** No connection and no attempt under way; the next call (or a request to connect) starts one. */
  IDLE,
  /** Resolving the target or opening a connection. */
  CONNECTING,
  /** A connection is up: calls go out without waiting. */
  READY,
  /** The last attempts failed; the channel waits a backoff delay before it tries again. */
  TRANSIENT_FAILURE,
  /** Closed: no new calls are accepted. Terminal. */
  SHUTDOWN
}
