package rpc.api;

import java.time.Duration;
import java.util.Objects;
import rpc.api.wire.MessageCompression;

/**
 * Per-call settings: deadline, request compression, extra request headers, wait-for-ready.
 * Immutable: every {@code with…} method returns a new instance. {@link #DEFAULT} has no
 * deadline, no compression, no headers and fails fast while the transport is unavailable.
 */
public final class CallOptions {

  /** No deadline, identity encoding, no extra headers, fail fast. */
  public static final CallOptions DEFAULT = new CallOptions(null, null, null, false, -1);

  private final Deadline deadline;
  private final String compression;
  private final Metadata headers; // never handed out without copying
  private final boolean waitForReady;
  private final int maxInboundMessageSize;

  private CallOptions(Deadline deadline, String compression, Metadata headers, boolean waitForReady,
      int maxInboundMessageSize) {
    this.deadline = deadline;
    this.compression = compression;
    this.headers = headers;
    this.waitForReady = waitForReady;
    this.maxInboundMessageSize = maxInboundMessageSize;
  }

  /** {@return the deadline, or null for none} */
  public Deadline deadline() {
    return deadline;
  }

  /**
   * A copy with the given deadline (null removes it).
   *
   * @param deadline the deadline, or null for none
   * @return the copy
   */
  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(deadline, compression, headers, waitForReady, maxInboundMessageSize);
  }

  /**
   * A copy whose deadline is {@code timeout} from now.
   *
   * @param timeout how long from now the call may take
   * @return the copy
   */
  public CallOptions withTimeout(Duration timeout) {
    return withDeadline(Deadline.after(timeout));
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
    return new CallOptions(deadline, MessageCompression.IDENTITY.equals(e) ? null : e, headers, waitForReady,
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
    return new CallOptions(deadline, compression, merged, waitForReady, maxInboundMessageSize);
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
    return new CallOptions(deadline, compression, headers, enabled, maxInboundMessageSize);
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
    return new CallOptions(deadline, compression, headers, waitForReady, bytes);
  }

  @Override
  public String toString() {
    return "CallOptions{deadline=" + deadline + ", compression=" + compression + ", headers=" + headers
        + ", waitForReady=" + waitForReady + "}";
  }
}
