package rpc.api;

import java.util.Objects;

/**
 * The outcome of a call: one of the 17 gRPC status codes, an optional human-readable description
 * and an optional local cause.
 * Immutable. The cause is never sent over the wire; the code and description are.
 */
public final class Status {

  /** The 17 gRPC status codes, with the numbers they carry on the wire. */
  public enum Code {
    OK(0), CANCELLED(1), UNKNOWN(2), INVALID_ARGUMENT(3), DEADLINE_EXCEEDED(4), NOT_FOUND(5),
    ALREADY_EXISTS(6), PERMISSION_DENIED(7), RESOURCE_EXHAUSTED(8), FAILED_PRECONDITION(9),
    ABORTED(10), OUT_OF_RANGE(11), UNIMPLEMENTED(12), INTERNAL(13), UNAVAILABLE(14),
    DATA_LOSS(15), UNAUTHENTICATED(16);

    private static final Code[] BY_VALUE = values();
    private final int value;

    Code(int value) {
      this.value = value;
    }

    /** The number that represents this code on the wire ({@code grpc-status}). */
    public int value() {
      return value;
    }

    /** The status with this code and no description. */
    public Status toStatus() {
      return CANONICAL[value];
    }

    /**
     * The code with the given wire number; {@link #UNKNOWN} for a number outside 0..16, as the
     * gRPC specification requires.
     */
    public static Code of(int value) {
      return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
    }
  }

  private static final Status[] CANONICAL = new Status[Code.values().length];

  static {
    for (Code c : Code.values()) {
      CANONICAL[c.value()] = new Status(c, null, null);
    }
  }

  public static final Status OK = Code.OK.toStatus();
  public static final Status CANCELLED = Code.CANCELLED.toStatus();
  public static final Status UNKNOWN = Code.UNKNOWN.toStatus();
  public static final Status INVALID_ARGUMENT = Code.INVALID_ARGUMENT.toStatus();
  public static final Status DEADLINE_EXCEEDED = Code.DEADLINE_EXCEEDED.toStatus();
  public static final Status NOT_FOUND = Code.NOT_FOUND.toStatus();
  public static final Status ALREADY_EXISTS = Code.ALREADY_EXISTS.toStatus();
  public static final Status PERMISSION_DENIED = Code.PERMISSION_DENIED.toStatus();
  public static final Status RESOURCE_EXHAUSTED = Code.RESOURCE_EXHAUSTED.toStatus();
  public static final Status FAILED_PRECONDITION = Code.FAILED_PRECONDITION.toStatus();
  public static final Status ABORTED = Code.ABORTED.toStatus();
  public static final Status OUT_OF_RANGE = Code.OUT_OF_RANGE.toStatus();
  public static final Status UNIMPLEMENTED = Code.UNIMPLEMENTED.toStatus();
  public static final Status INTERNAL = Code.INTERNAL.toStatus();
  public static final Status UNAVAILABLE = Code.UNAVAILABLE.toStatus();
  public static final Status DATA_LOSS = Code.DATA_LOSS.toStatus();
  public static final Status UNAUTHENTICATED = Code.UNAUTHENTICATED.toStatus();

  private final Code code;
  private final String description;
  private final Throwable cause;

  private Status(Code code, String description, Throwable cause) {
    this.code = code;
    this.description = description;
    this.cause = cause;
  }

  /** The status with the given code and no description. */
  public static Status of(Code code) {
    return Objects.requireNonNull(code, "code").toStatus();
  }

  /** The status with the given code and description. */
  public static Status of(Code code, String description) {
    return of(code).withDescription(description);
  }

  /** The status for a wire number; see {@link Code#of(int)}. */
  public static Status fromCodeValue(int value) {
    return Code.of(value).toStatus();
  }

  /**
   * The status that best describes a throwable: its own status if it is a {@link StatusException},
   * {@link #UNKNOWN} with the throwable as cause otherwise.
   */
  public static Status fromThrowable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusException se) {
        return se.status();
      }
    }
    return UNKNOWN.withCause(t);
  }

  /** This status' code. */
  public Code code() {
    return code;
  }

  /** The description, or null when there is none. */
  public String description() {
    return description;
  }

  /** The local cause, or null. Never sent to the peer. */
  public Throwable cause() {
    return cause;
  }

  /** Whether the code is {@link Code#OK}. */
  public boolean isOk() {
    return code == Code.OK;
  }

  /** A copy of this status with the given description (null removes it). */
  public Status withDescription(String description) {
    return Objects.equals(this.description, description) ? this : new Status(code, description, cause);
  }

  /** A copy with {@code more} appended to the description on a new line. */
  public Status augmentDescription(String more) {
    if (more == null) {
      return this;
    }
    return withDescription(description == null ? more : description + "\n" + more);
  }

  /** A copy of this status with the given local cause. */
  public Status withCause(Throwable cause) {
    return this.cause == cause ? this : new Status(code, description, cause);
  }

  /** A {@link StatusException} carrying this status and no trailers. */
  public StatusException asException() {
    return new StatusException(this);
  }

  /** A {@link StatusException} carrying this status and the given trailers. */
  public StatusException asException(Metadata trailers) {
    return new StatusException(this, trailers);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Status s && code == s.code && Objects.equals(description, s.description)
        && Objects.equals(cause, s.cause);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, description);
  }

  @Override
  public String toString() {
    return description == null ? code.name() : code.name() + ": " + description;
  }
}
