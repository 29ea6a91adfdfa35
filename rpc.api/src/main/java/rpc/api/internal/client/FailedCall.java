package rpc.api.internal.client;

import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;

/**
 * A call that ends with a fixed status as soon as it starts, without touching a transport.
 * Thread-safe (immutable).
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public final class FailedCall<Req, Resp> implements ClientCall<Req, Resp> {
  private final MethodDescriptor<Req, Resp> method;
  private final Status status;

  /**
   * A call of {@code method} that ends with {@code status}.
   *
   * @param method the method
   * @param status the status it ends with
   */
  public FailedCall(MethodDescriptor<Req, Resp> method, Status status) {
    this.method = method;
    this.status = status;
  }

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    listener.onClose(status, new Metadata());
  }

  @Override
  public void request(int n) {}

  @Override
  public void send(Req message) {}

  @Override
  public boolean isReady() {
    return false;
  }

  @Override
  public void halfClose() {}

  @Override
  public void cancel(Status status) {}

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return method;
  }
}
