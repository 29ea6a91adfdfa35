package rpc.api.wire;

import rpc.api.Status;

/**
 * The status for a message larger than its receiver accepts, worded the same by every transport:
 * it says whose limit it is and which setting raises it.
 * Thread-safe (stateless).
 */
public final class MessageLimit {
  private MessageLimit() {}

  /**
   * A request message of {@code size} bytes (negative: unknown, past the limit when decompressed)
   * exceeds the server's limit of {@code limit} bytes.
   *
   * @param size the message size, or negative if unknown
   * @param limit the server's limit
   * @return a {@code RESOURCE_EXHAUSTED} status that says whose limit it is
   */
  public static Status requestTooLarge(long size, int limit) {
    return Status.RESOURCE_EXHAUSTED.withDescription("request message of " + describe(size, limit)
        + " exceeds the server's maximum of " + limit + " bytes (Server.Builder.maxInboundMessageSize)");
  }

  /**
   * A response message of {@code size} bytes (negative: unknown, past the limit when decompressed)
   * exceeds the client's limit of {@code limit} bytes.
   *
   * @param size the message size, or negative if unknown
   * @param limit the client's limit
   * @return a {@code RESOURCE_EXHAUSTED} status that says whose limit it is
   */
  public static Status responseTooLarge(long size, int limit) {
    return Status.RESOURCE_EXHAUSTED.withDescription("response message of " + describe(size, limit)
        + " exceeds the client's maximum of " + limit
        + " bytes (the smallest of Channel.Builder.maxInboundMessageSize, CallOptions.withMaxInboundMessageSize"
        + " and the service config's maxResponseMessageBytes)");
  }

  private static String describe(long size, int limit) {
    return size < 0 ? "more than " + limit + " bytes once decompressed" : size + " bytes";
  }
}
