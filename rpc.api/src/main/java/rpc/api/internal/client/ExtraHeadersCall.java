package rpc.api.internal.client;

import rpc.api.Metadata;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ForwardingClientCall;

/**
 * Adds the headers of a call's {@link rpc.api.CallOptions} to the request headers it starts with.
 * Thread-safe as {@link ClientCall} requires.
 */
final class ExtraHeadersCall<Req, Resp> extends ForwardingClientCall<Req, Resp> {
  private final Metadata extra;

  ExtraHeadersCall(ClientCall<Req, Resp> delegate, Metadata extra) {
    super(delegate);
    this.extra = extra;
  }

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    super.start(listener, headers.copy().merge(extra));
  }
}
