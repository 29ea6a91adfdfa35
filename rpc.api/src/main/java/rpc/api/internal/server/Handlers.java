package rpc.api.internal.server;

import rpc.api.ClientStreamingHandler;
import rpc.api.ServerCallHandler;
import rpc.api.ServerStream;
import rpc.api.ServerStreamingHandler;
import rpc.api.Status;
import rpc.api.UnaryHandler;

/** Adapts the kind-specific handlers to {@link ServerCallHandler}. */
public final class Handlers {
  private Handlers() {}

  public static <Req, Resp> ServerCallHandler<Req, Resp> unary(UnaryHandler<Req, Resp> handler) {
    return stream -> {
      Req request = onlyRequest(stream);
      stream.send(nonNull(handler.handle(request, stream.context()), stream));
    };
  }

  public static <Req, Resp> ServerCallHandler<Req, Resp> clientStreaming(ClientStreamingHandler<Req, Resp> handler) {
    return stream -> stream.send(nonNull(handler.handle(stream), stream));
  }

  public static <Req, Resp> ServerCallHandler<Req, Resp> serverStreaming(ServerStreamingHandler<Req, Resp> handler) {
    return stream -> handler.handle(onlyRequest(stream), stream);
  }

  private static <Req, Resp> Req onlyRequest(ServerStream<Resp, Req> stream) {
    Req request = stream.receive();
    if (request == null) {
      throw Status.INTERNAL.withDescription("no request message for " + stream.context().method().fullName())
          .asException();
    }
    if (stream.receive() != null) {
      throw Status.INTERNAL.withDescription("more than one request message for "
          + stream.context().method().fullName()).asException();
    }
    return request;
  }

  private static <Resp> Resp nonNull(Resp response, ServerStream<Resp, ?> stream) {
    if (response == null) {
      throw Status.INTERNAL.withDescription("handler of " + stream.context().method().fullName()
          + " returned no response").asException();
    }
    return response;
  }
}
