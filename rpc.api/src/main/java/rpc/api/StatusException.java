package rpc.api;

import java.util.Objects;

/**
 * The one unchecked exception the library throws for a call that ended with a status other than
 * {@code OK}; it carries that status and the trailing metadata the peer sent.
 * Thread-safe once constructed; the trailers are copied on the way in and out.
 * A server handler may throw it to end its call with that status and trailers.
 */
public class StatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Status status;
  private final transient Metadata trailers;

  /**
   * An exception carrying {@code status} and no trailers.
   *
   * @param status the call's status
   */
  public StatusException(Status status) {
    this(status, null);
  }

  /**
   * An exception carrying {@code status} and a copy of {@code trailers} (may be null).
   *
   * @param status the call's status
   * @param trailers the trailing metadata, or null for none
   */
  public StatusException(Status status, Metadata trailers) {
    super(Objects.requireNonNull(status, "status").toString(), status.cause());
    this.status = status;
    this.trailers = trailers == null ? new Metadata() : trailers.copy();
  }

  /**
   * The first {@link StatusException} in {@code t}'s cause chain, {@code t} included. A chain that
   * loops back on itself is followed once round.
   *
   * @param t the throwable, or null
   * @return the exception, or null if there is none
   */
  public static StatusException find(Throwable t) {
    java.util.Set<Throwable> seen = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusException se) {
        return se;
      }
      if (seen == null) {
        seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      }
      if (!seen.add(c)) {
        return null; // a cycle: every member has been looked at
      }
    }
    return null;
  }

  /** {@return the status of the call} */
  public Status status() {
    return status;
  }

  /** {@return a copy of the trailing metadata (empty when there was none)} */
  public Metadata trailers() {
    return trailers.copy();
  }
}
