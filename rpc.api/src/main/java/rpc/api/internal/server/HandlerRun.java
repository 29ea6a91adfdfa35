package rpc.api.internal.server;

import rpc.api.CallTracer;
import rpc.api.Metadata;
import rpc.api.ServerCallHandler;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.internal.HandlerCall;

/**
 * Runs one call's handler on its own thread and turns the outcome into the call's status and
 * trailers: returning is OK with the context's trailers; a {@link StatusException} is its status and
 * trailers; anything else is {@code UNKNOWN}, logged, with no stack trace sent.
 * Not thread-safe: runs once, on the thread the server's launcher gives it.
 */
final class HandlerRun<Req, Resp> implements Runnable {
  private final BlockingServerStream<Req, Resp> stream;
  private final ServerCallHandler<Req, Resp> handler;

  HandlerRun(BlockingServerStream<Req, Resp> stream, ServerCallHandler<Req, Resp> handler) {
    this.stream = stream;
    this.handler = handler;
  }

  @Override
  public void run() {
    CallContext context = stream.callContext();
    if (!context.handlerStarted(Thread.currentThread())) {
      stream.callEnded();
      return; // cancelled before it could start
    }
    Status status = Status.OK;
    Metadata extra = null;
    CallTracer tracer = stream.tracer();
    if (tracer != null) {
      tracer.handlerStarting();
    }
    HandlerCall.CURRENT.set(context);
    try {
      handler.handle(stream);
    } catch (StatusException e) {
      status = e.status();
      extra = e.trailers();
    } catch (Throwable t) {
      if (!context.isCancelled()) {
        stream.reportFailure(t);
      }
      status = Status.UNKNOWN.withDescription("Application error processing RPC").withCause(t);
    } finally {
      HandlerCall.CURRENT.remove();
      if (tracer != null) {
        tracer.handlerFinished();
      }
      context.handlerFinished();
    }
    Metadata trailers = context.responseTrailers();
    if (extra != null && !extra.isEmpty()) {
      trailers = trailers.copy().merge(extra);
    }
    stream.finish(status, trailers);
    stream.callEnded();
  }
}
