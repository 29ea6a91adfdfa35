package rpc.api.spi;

/**
 * The cause a transport gives the {@code UNAVAILABLE} status of a call that never reached the
 * server's application: its stream was never sent (the connection failed first), or the server
 * refused it unprocessed ({@code REFUSED_STREAM}, or a stream above a GOAWAY's last stream id).
 * The channel may send such a call again, to any server, without a retry policy (gRFC A6's
 * transparent retry). Immutable.
 */
public final class Unprocessed extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * A cause saying why the call was not processed.
   *
   * @param why what happened, for messages
   */
  public Unprocessed(String why) {
    super(why, null, false, false);
  }

  /**
   * A cause saying why the call was not processed, and what caused that.
   *
   * @param why what happened, for messages
   * @param cause the failure underneath (a connection error, say), or null
   */
  public Unprocessed(String why, Throwable cause) {
    super(why, cause, false, false);
  }

  /**
   * Whether {@code status} says its call was not processed.
   *
   * @param status a call's final status
   * @return true if the status is {@code UNAVAILABLE} with an {@code Unprocessed} cause
   */
  public static boolean isUnprocessed(rpc.api.Status status) {
    return status.code() == rpc.api.Status.Code.UNAVAILABLE && status.cause() instanceof Unprocessed;
  }
}
