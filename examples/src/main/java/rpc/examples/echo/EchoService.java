package rpc.examples.echo;

import rpc.api.ServerContext;
import rpc.api.ServerStream;

/**
 * The Echo service: every request comes back with the same message.
 * Thread-safe (stateless): calls run at once, each on its own virtual thread.
 */
public final class EchoService implements EchoRpc.Service {
  @Override
  public EchoResponse unaryEcho(EchoRequest request, ServerContext context) {
    return EchoResponse.newBuilder().setMessage(request.getMessage()).build();
  }

  @Override
  public void bidirectionalStreamingEcho(ServerStream<EchoResponse, EchoRequest> stream) {
    for (EchoRequest r; (r = stream.receive()) != null; ) {
      stream.send(EchoResponse.newBuilder().setMessage(r.getMessage()).build());
    }
  }
}
