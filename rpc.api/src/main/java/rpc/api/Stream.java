package rpc.api;

/**
 * One end of a call's message stream: the contract both the client and the server end share.
 * Not thread-safe, except: one thread may {@link #send} while another thread
 * {@link #receive}s, and {@link #cancel} may be called from any thread at any time. Two threads
 * sending at once, or two receiving at once, is misuse: the second one gets an
 * {@link IllegalStateException} naming the stream and the operation.
 *
 * <p>Back-pressure: {@code send} blocks while the peer has granted no credit (its receive window is
 * full); {@code receive} pulls one message at a time. What a stream holds that the application has
 * not taken is bounded in bytes, whatever the mix of message sizes: less than 64 KiB of read-ahead
 * plus one message, on top of the transport's own buffer (an HTTP/2 stream window; in-process, a
 * queue that stops the sender at 64 KiB, so at most one more message). Nothing is buffered without
 * bound.
 *
 * <p>The end: when the call ends — its status arrives, it is cancelled from either side, its
 * deadline passes, its connection is lost, or (on the server) its handler returns — every thread
 * waiting in {@code send} or {@code receive} returns or throws {@link StatusException} at once,
 * including threads that outlive the handler that started them. A thread interrupted while it
 * waits cancels the call and gets {@code CANCELLED} (its interrupt status stays set).
 *
 * @param <Out> the type of messages this end sends
 * @param <In> the type of messages this end receives
 */
public interface Stream<Out, In> {

  /**
   * Sends one message, blocking while flow control does not allow it.
   *
   * @param message the message to send
   * @throws StatusException if the call has ended with a status other than OK (including after
   *     {@link #cancel}); on the server, if the call has ended at all; or if the calling thread is
   *     interrupted while waiting ({@code CANCELLED})
   * @throws IllegalStateException if another thread is sending on this stream, or sending is
   *     closed
   */
  void send(Out message);

  /**
   * Receives the next message, blocking until one arrives.
   *
   * @return the next message, or null once the peer has finished sending (on the client: and the
   *     call ended OK)
   * @throws StatusException if the call ended with a status other than OK; on the server, if the
   *     call ended before the client finished sending; or if the calling thread is interrupted
   *     while waiting ({@code CANCELLED})
   * @throws IllegalStateException if another thread is receiving on this stream
   */
  In receive();

  /**
   * Abandons the call: the peer sees {@code CANCELLED} and blocked or later {@code send} and
   * {@code receive} calls throw {@link StatusException}. Callable from any thread; does nothing once
   * the call has ended.
   */
  void cancel();

  /**
   * Whether the message the last {@link #receive} on this stream returned arrived compressed on the
   * wire (false before the first). In process, where nothing is encoded, it says whether the sender
   * asked for compression, so code reads the same over every transport. Meant for the receiving
   * thread.
   *
   * @return whether the last message received was compressed
   */
  boolean lastReceivedCompressed();

  /**
   * Whether the messages this end sends from now on are compressed with the call's encoding (the
   * client's {@link CallOptions#withCompression}, the server's
   * {@link ServerContext#setResponseCompression}): true by default; false sends the next messages
   * as they are, as grpc-java's {@code setMessageCompression}. Changes nothing on a call without an
   * encoding. Part of the sending side: call it from the thread that sends.
   *
   * @param enabled whether to compress the next messages
   */
  void setMessageCompression(boolean enabled);

  /** {@return a short name for this stream in messages: the method and a call number} */
  String name();
}
