package rpc.api;

import java.time.Duration;
import java.util.Objects;
import rpc.api.wire.MessageCompression;

/**
 * Per-call settings: timeout or deadline, request compression, extra request headers,
 * wait-for-ready. Immutable and thread-safe: every {@code with…} method returns a new instance, so
 * one instance may serve any number of calls. {@link #DEFAULT} has no timeout or deadline, no
 * compression, no headers and fails fast while the transport is unavailable.
 *
 * <p>Time limits come in two forms. A {@linkplain #withTimeout timeout} is relative: its clock
 * starts when each call starts, so options holding one (say, a channel's
 * {@linkplain Channel.Builder#defaultCallOptions default call options}, or a generated client made
 * with {@code withTimeout}) can be kept and reused for as long as the program runs. A
 * {@linkplain #withDeadline deadline} is a fixed point in time, shared by every call made with the
 * options — the form for passing one caller's remaining time on to the calls it makes. With both,
 * a call ends at whichever comes first.
 */
public final class CallOptions {

  /** No deadline, identity encoding, no extra headers, fail fast. */
  public static final CallOptions DEFAULT = new CallOptions(null, null, null, null, false, -1);

  private final Deadline deadline;
  private final Duration timeout;
  private final String compression;
  private final Metadata headers; // never handed out without copying
  private final boolean waitForReady;
  private final int maxInboundMessageSize;

  private CallOptions(Deadline deadline, Duration timeout, String compression, Metadata headers,
      boolean waitForReady, int maxInboundMessageSize) {
    this.deadline = deadline;
    this.timeout = timeout;
    this.compression = compression;
    this.headers = headers;
    this.waitForReady = waitForReady;
    this.maxInboundMessageSize = maxInboundMessageSize;
  }

  /**
   * The fixed deadline set by {@link #withDeadline}, or null for none. A {@linkplain #timeout()
   * timeout} is not included: see {@link #deadlineFromNow()}.
   *
   * @return the deadline, or null
   */
  public Deadline deadline() {
    return deadline;
  }

  /**
   * A copy with a fixed deadline, shared by every call made with it (null removes it). A timeout
   * set by {@link #withTimeout} stays: a call ends at whichever comes first.
   *
   * @param deadline the point in time after which calls fail {@code DEADLINE_EXCEEDED}, or null
   * @return the new options
   */
  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(deadline, timeout, compression, headers, waitForReady, maxInboundMessageSize);
  }

  /**
   * The relative timeout set by {@link #withTimeout}, or null for none.
   *
   * @return the timeout, or null
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * A copy whose calls each get {@code timeout}, counted from the moment the call starts — not from
   * now: the options can be stored (as a channel's default call options, in a generated client) and
   * reused indefinitely. Null removes the timeout. A fixed {@linkplain #withDeadline deadline}
   * stays: a call ends at whichever comes first. As grpc's per-call timeout, the remaining time
   * travels to the server as {@code grpc-timeout}.
   *
   * @param timeout how long each call may take; zero or negative fails calls at once with
   *     {@code DEADLINE_EXCEEDED}; null for none
   * @return the new options
   */
  public CallOptions withTimeout(Duration timeout) {
    return new CallOptions(deadline, timeout, compression, headers, waitForReady, maxInboundMessageSize);
  }

  /**
   * The deadline of a call that starts now: the earlier of the fixed {@linkplain #deadline()
   * deadline} and now plus the {@linkplain #timeout() timeout}; null when neither is set.
   *
   * @return the deadline for a call starting at this moment, or null
   */
  public Deadline deadlineFromNow() {
    if (timeout == null) {
      return deadline;
    }
    Deadline fromTimeout = Deadline.after(timeout);
    return deadline == null || fromTimeout.compareTo(deadline) < 0 ? fromTimeout : deadline;
  }

  /**
   * These options as they apply to a call that starts now: the timeout, if any, turned into a
   * fixed deadline ({@link #deadlineFromNow()}) and removed. Channels do this when a call starts,
   * before the interceptors run, so interceptors and transports see the call's one deadline.
   *
   * @return options with no timeout whose deadline is this call's; this instance when there is no
   *     timeout
   */
  public CallOptions startingNow() {
    if (timeout == null) {
      return this;
    }
    return new CallOptions(deadlineFromNow(), null, compression, headers, waitForReady, maxInboundMessageSize);
  }

  /** {@return the request message encoding ({@code "gzip"}), or null for identity} */
  public String compression() {
    return compression;
  }

  /**
   * A copy that compresses request messages with {@code encoding} ({@code "gzip"}, or
   * {@code "identity"} for none). Transports that never compress (in-process) accept it and send
   * the messages as they are.
   *
   * @param encoding the encoding's name
   * @return the copy
   * @throws IllegalArgumentException if the encoding is not supported; the message lists those that are
   */
  public CallOptions withCompression(String encoding) {
    String e = MessageCompression.requireSupported(encoding);
    return new CallOptions(deadline, timeout, MessageCompression.IDENTITY.equals(e) ? null : e, headers, waitForReady,
        maxInboundMessageSize);
  }

  /** {@return a copy of the extra request headers (empty when none)} */
  public Metadata headers() {
    return headers == null ? new Metadata() : headers.copy();
  }

  /** {@return whether extra request headers are set} */
  public boolean hasHeaders() {
    return headers != null && !headers.isEmpty();
  }

  /**
   * A copy whose extra request headers are {@code extra} added to the current ones.
   *
   * @param extra the headers to add
   * @return the copy
   */
  public CallOptions withHeaders(Metadata extra) {
    Objects.requireNonNull(extra, "extra");
    Metadata merged = headers == null ? new Metadata() : headers.copy();
    merged.merge(extra);
    return new CallOptions(deadline, timeout, compression, merged, waitForReady, maxInboundMessageSize);
  }

  /**
   * Whether the call waits for the transport to become ready (until its deadline) instead of
   * failing with {@code UNAVAILABLE} at once.
   *
   * @return true if the call waits for the transport
   */
  public boolean waitForReady() {
    return waitForReady;
  }

  /**
   * A copy with wait-for-ready switched on or off.
   *
   * @param enabled whether calls wait for the transport
   * @return the copy
   */
  public CallOptions withWaitForReady(boolean enabled) {
    return new CallOptions(deadline, timeout, compression, headers, enabled, maxInboundMessageSize);
  }

  /** {@return the largest response message accepted for this call, or -1 for the channel's limit} */
  public int maxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  /**
   * A copy with a per-call inbound message limit in bytes.
   *
   * @param bytes the limit in bytes
   * @return the copy
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public CallOptions withMaxInboundMessageSize(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes < 0: " + bytes);
    }
    return new CallOptions(deadline, timeout, compression, headers, waitForReady, bytes);
  }

  @Override
  public String toString() {
    return "CallOptions{deadline=" + deadline + ", timeout=" + timeout + ", compression=" + compression + ", headers=" + headers
        + ", waitForReady=" + waitForReady + "}";
  }
}
