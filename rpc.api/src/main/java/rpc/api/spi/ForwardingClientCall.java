package rpc.api.spi;

import java.util.Objects;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;

/**
 * A {@link ClientCall} that forwards every method to another call; override what a layer over a
 * transport's call needs (typically {@link #start} to wrap the listener).
 * Thread-safety is that of the delegate: the same rules as {@link ClientCall}.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
public abstract class ForwardingClientCall<Req, Resp> implements ClientCall<Req, Resp> {
  private final ClientCall<Req, Resp> delegate;

  /**
   * Forwards to {@code delegate}.
   *
   * @param delegate the call to forward to
   */
  protected ForwardingClientCall(ClientCall<Req, Resp> delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** {@return the call this one forwards to} */
  protected final ClientCall<Req, Resp> delegate() {
    return delegate;
  }

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    delegate.start(listener, headers);
  }

  @Override
  public void request(int n) {
    delegate.request(n);
  }

  @Override
  public void send(Req message) {
    delegate.send(message);
  }

  @Override
  public boolean isReady() {
    return delegate.isReady();
  }

  @Override
  public void halfClose() {
    delegate.halfClose();
  }

  @Override
  public void cancel(Status status) {
    delegate.cancel(status);
  }

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return delegate.method();
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    delegate.setMessageCompression(enabled);
  }

  @Override
  public boolean inboundMessageCompressed() {
    return delegate.inboundMessageCompressed();
  }

  @Override
  public void trace(rpc.api.CallTracer tracer) {
    delegate.trace(tracer);
  }

  /**
   * A {@link ClientCall.Listener} that forwards every event to another listener.
   *
   * <p>Thread-safety is that of the delegate (callbacks are serialized by the transport).
   *
   * @param <Resp> response type
   */
  public abstract static class ForwardingListener<Resp> implements ClientCall.Listener<Resp> {
    private final ClientCall.Listener<Resp> delegate;

    /**
     * Forwards to {@code delegate}.
     *
     * @param delegate the listener to forward to
     */
    protected ForwardingListener(ClientCall.Listener<Resp> delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void onHeaders(Metadata headers) {
      delegate.onHeaders(headers);
    }

    @Override
    public void onMessage(Resp message) {
      delegate.onMessage(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      delegate.onClose(status, trailers);
    }

    @Override
    public void onReady() {
      delegate.onReady();
    }
  }
}
