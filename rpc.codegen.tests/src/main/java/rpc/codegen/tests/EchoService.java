package rpc.codegen.tests;

import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.codegen.tests.echo.EchoReply;
import rpc.codegen.tests.echo.EchoRequest;
import rpc.codegen.tests.echo.EchoRpc;

/**
 * The echo service: implements every method of {@code rpc.codegen.tests.Echo} but {@code Missing}.
 * Thread-safe: it has no state.
 */
public final class EchoService implements EchoRpc.Service {

  @Override
  public EchoReply say(EchoRequest request, ServerContext context) {
    if (request.getText().equals("fail")) {
      throw new StatusException(Status.INVALID_ARGUMENT.withDescription("asked to fail"));
    }
    return EchoReply.newBuilder().setText(request.getText()).build();
  }

  @Override
  public EchoReply collect(ServerStream<EchoReply, EchoRequest> requests) {
    StringBuilder joined = new StringBuilder();
    int count = 0;
    for (EchoRequest r; (r = requests.receive()) != null; count++) {
      joined.append(r.getText());
    }
    return EchoReply.newBuilder().setText(joined.toString()).setIndex(count).build();
  }

  @Override
  public void expand(EchoRequest request, ServerStream<EchoReply, EchoRequest> responses) {
    for (int i = 0; i < request.getCount(); i++) {
      responses.send(EchoReply.newBuilder().setText(request.getText()).setIndex(i).build());
    }
  }

  @Override
  public void chat(ServerStream<EchoReply, EchoRequest> stream) {
    int i = 0;
    for (EchoRequest r; (r = stream.receive()) != null; i++) {
      stream.send(EchoReply.newBuilder().setText(r.getText().toUpperCase(java.util.Locale.ROOT)).setIndex(i).build());
    }
  }
}
