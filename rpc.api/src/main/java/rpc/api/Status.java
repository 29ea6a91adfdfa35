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
    /** Not an error: the call succeeded. */
    OK(0),
    /** The call was cancelled, typically by the caller. */
    CANCELLED(1),
    /** An error with no better code, for example a handler's exception that carries no status. */
    UNKNOWN(2),
    /** The client sent an argument that is invalid whatever the state of the system. */
    INVALID_ARGUMENT(3),
    /** The deadline passed before the call completed. */
    DEADLINE_EXCEEDED(4),
    /** A requested entity was not found. */
    NOT_FOUND(5),
    /** An entity the client tried to create already exists. */
    ALREADY_EXISTS(6),
    /** The caller may not perform the operation. */
    PERMISSION_DENIED(7),
    /** A resource ran out, for example a quota, or a message exceeded the size limit. */
    RESOURCE_EXHAUSTED(8),
    /** The system is not in the state the operation requires. */
    FAILED_PRECONDITION(9),
    /** The operation was aborted, typically by a concurrency conflict. */
    ABORTED(10),
    /** The operation went past the valid range. */
    OUT_OF_RANGE(11),
    /** The operation is not implemented or not supported, for example an unknown method. */
    UNIMPLEMENTED(12),
    /** An invariant of the system was broken. */
    INTERNAL(13),
    /** The service is unavailable for now, a transient condition a retry may mend. */
    UNAVAILABLE(14),
    /** Unrecoverable loss or corruption of data. */
    DATA_LOSS(15),
    /** The call lacks valid authentication credentials. */
    UNAUTHENTICATED(16);

    private static final Code[] BY_VALUE = values();
    private final int value;

    Code(int value) {
      this.value = value;
    }

    /** {@return the number that represents this code on the wire ({@code grpc-status})} */
    public int value() {
      return value;
    }

    /** {@return the status with this code and no description} */
    public Status toStatus() {
      return CANONICAL[value];
    }

    /**
     * The code with the given wire number; {@link #UNKNOWN} for a number outside 0..16, as the
     * gRPC specification requires.
     *
     * @param value the {@code grpc-status} number
     * @return the code for {@code value}
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

  /** {@link Code#OK} without description. */
  public static final Status OK = Code.OK.toStatus();
  /** {@link Code#CANCELLED} without description. */
  public static final Status CANCELLED = Code.CANCELLED.toStatus();
  /** {@link Code#UNKNOWN} without description. */
  public static final Status UNKNOWN = Code.UNKNOWN.toStatus();
  /** {@link Code#INVALID_ARGUMENT} without description. */
  public static final Status INVALID_ARGUMENT = Code.INVALID_ARGUMENT.toStatus();
  /** {@link Code#DEADLINE_EXCEEDED} without description. */
  public static final Status DEADLINE_EXCEEDED = Code.DEADLINE_EXCEEDED.toStatus();
  /** {@link Code#NOT_FOUND} without description. */
  public static final Status NOT_FOUND = Code.NOT_FOUND.toStatus();
  /** {@link Code#ALREADY_EXISTS} without description. */
  public static final Status ALREADY_EXISTS = Code.ALREADY_EXISTS.toStatus();
  /** {@link Code#PERMISSION_DENIED} without description. */
  public static final Status PERMISSION_DENIED = Code.PERMISSION_DENIED.toStatus();
  /** {@link Code#RESOURCE_EXHAUSTED} without description. */
  public static final Status RESOURCE_EXHAUSTED = Code.RESOURCE_EXHAUSTED.toStatus();
  /** {@link Code#FAILED_PRECONDITION} without description. */
  public static final Status FAILED_PRECONDITION = Code.FAILED_PRECONDITION.toStatus();
  /** {@link Code#ABORTED} without description. */
  public static final Status ABORTED = Code.ABORTED.toStatus();
  /** {@link Code#OUT_OF_RANGE} without description. */
  public static final Status OUT_OF_RANGE = Code.OUT_OF_RANGE.toStatus();
  /** {@link Code#UNIMPLEMENTED} without description. */
  public static final Status UNIMPLEMENTED = Code.UNIMPLEMENTED.toStatus();
  /** {@link Code#INTERNAL} without description. */
  public static final Status INTERNAL = Code.INTERNAL.toStatus();
  /** {@link Code#UNAVAILABLE} without description. */
  public static final Status UNAVAILABLE = Code.UNAVAILABLE.toStatus();
  /** {@link Code#DATA_LOSS} without description. */
  public static final Status DATA_LOSS = Code.DATA_LOSS.toStatus();
  /** {@link Code#UNAUTHENTICATED} without description. */
  public static final Status UNAUTHENTICATED = Code.UNAUTHENTICATED.toStatus();

  private final Code code;
  private final String description;
  private final Throwable cause;

  private Status(Code code, String description, Throwable cause) {
    this.code = code;
    this.description = description;
    this.cause = cause;
  }

  /**
   * The status with the given code and no description.
   *
   * @param code the code
   * @return the shared status for {@code code}
   */
  public static Status of(Code code) {
    return Objects.requireNonNull(code, "code").toStatus();
  }

  /**
   * The status with the given code and description.
   *
   * @param code the code
   * @param description the description, or null for none
   * @return a status with {@code code} and {@code description}
   */
  public static Status of(Code code, String description) {
    return of(code).withDescription(description);
  }

  /**
   * The status for a wire number; see {@link Code#of(int)}.
   *
   * @param value the {@code grpc-status} number
   * @return the status with that code and no description
   */
  public static Status fromCodeValue(int value) {
    return Code.of(value).toStatus();
  }

  /**
   * The status that best describes a throwable: its own status if it is a {@link StatusException},
   * {@link #UNKNOWN} with the throwable as cause otherwise.
   *
   * @param t the throwable; its causes are searched too
   * @return the status of the first {@link StatusException} in the cause chain, or {@code UNKNOWN}
   */
  public static Status fromThrowable(Throwable t) {
    StatusException se = StatusException.find(t);
    return se != null ? se.status() : UNKNOWN.withCause(t);
  }

  /** {@return this status' code} */
  public Code code() {
    return code;
  }

  /** {@return the description, or null when there is none} */
  public String description() {
    return description;
  }

  /** {@return the local cause, or null} Never sent to the peer. */
  public Throwable cause() {
    return cause;
  }

  /** {@return whether the code is {@link Code#OK}} */
  public boolean isOk() {
    return code == Code.OK;
  }

  /**
   * A copy of this status with the given description (null removes it).
   *
   * @param description the new description, or null
   * @return this status if the description is the same, a copy otherwise
   */
  public Status withDescription(String description) {
    return Objects.equals(this.description, description) ? this : new Status(code, description, cause);
  }

  /**
   * A copy with {@code more} appended to the description on a new line.
   *
   * @param more the text to append; null leaves the status as it is
   * @return the status with the longer description
   */
  public Status augmentDescription(String more) {
    if (more == null) {
      return this;
    }
    return withDescription(description == null ? more : description + "\n" + more);
  }

  /**
   * A copy of this status with the given local cause.
   *
   * @param cause the cause, or null for none
   * @return this status if the cause is the same, a copy otherwise
   */
  public Status withCause(Throwable cause) {
    return this.cause == cause ? this : new Status(code, description, cause);
  }

  /** {@return a new {@link StatusException} carrying this status and no trailers} */
  public StatusException asException() {
    return new StatusException(this);
  }

  /**
   * A {@link StatusException} carrying this status and the given trailers.
   *
   * @param trailers the trailers the exception carries to the peer
   * @return a new exception
   */
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
