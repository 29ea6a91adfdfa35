package rpc.api.internal.client;

import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.internal.stream.BlockingStream;
import rpc.api.spi.ClientCall;

/**
 * The client end of a streaming call: the shared {@link BlockingStream} engine over a transport
 * {@link ClientCall}, whose listener it is. Thread-safe as {@link ClientStream} says.
 *
 * <p>The call ends when the transport reports {@code onClose} (messages that came before it are
 * still handed out) or when the application cancels it (they are dropped, and the server is told).
 */
final class BlockingClientStream<Req, Resp> extends BlockingStream<Req, Resp>
    implements ClientStream<Req, Resp>, ClientCall.Listener<Resp> {
  private final ClientCall<Req, Resp> call;

  BlockingClientStream(ClientCall<Req, Resp> call) {
    super(call.method().fullName(), call.method().responseCodec(), false);
    this.call = call;
  }

  void start() {
    call.start(this, new Metadata());
    requestFirst(1);
  }

  // ---- transport events ----

  @Override
  public void onHeaders(Metadata headers) {
    headersArrived(headers);
  }

  @Override
  public void onMessage(Resp message) {
    messageArrived(message, call.inboundMessageCompressed());
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    end(status, trailers, false);
  }

  @Override
  public void onReady() {
    readyChanged();
  }

  // ---- engine hooks ----

  @Override
  protected void transportRequest(int n) {
    call.request(n);
  }

  @Override
  protected boolean transportReady() {
    return call.isReady();
  }

  @Override
  protected void transportSend(Req message) {
    call.send(message);
  }

  @Override
  protected void transportSetMessageCompression(boolean enabled) {
    call.setMessageCompression(enabled);
  }

  @Override
  protected void abandon(Status status) {
    if (end(status, new Metadata(), true)) {
      call.cancel(status);
    }
  }

  // ---- ClientStream ----

  @Override
  public void halfClose() {
    closeOutbound(call::halfClose);
  }

  @Override
  public Metadata headers() {
    return awaitHeaders();
  }

  @Override
  public Metadata trailers() {
    Metadata t = endTrailers();
    return endStatus() == null ? null : t == null ? new Metadata() : t.copy();
  }

  @Override
  public Status status() {
    return endStatus();
  }

  @Override
  public void cancel() {
    abandon(Status.CANCELLED.withDescription("cancelled by the client"));
  }
}
