package rpc.api.internal;

import java.util.List;
import rpc.api.CallTracer;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * One {@link CallTracer} standing for all of a call's tracers, each event passed to each in turn,
 * so a tracer that throws costs only its own event (logged once per tracer class at WARNING, then
 * at DEBUG). Thread-safe as its tracers are.
 */
public final class Tracers implements CallTracer {
  private static final System.Logger LOG = System.getLogger("rpc.api");
  private static final java.util.Set<Class<?>> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final CallTracer[] tracers;

  private Tracers(CallTracer[] tracers) {
    this.tracers = tracers;
  }

  /** The tracers as one, or null when there are none. */
  public static CallTracer of(List<CallTracer> tracers) {
    return tracers.isEmpty() ? null : new Tracers(tracers.toArray(CallTracer[]::new));
  }

  /**
   * Logs a tracer's (or an interceptor's) failure: at WARNING the first time for its class.
   * Rethrows what no caller should survive ({@link VirtualMachineError}).
   */
  public static void reportFailure(Object culprit, String event, Throwable e) {
    rethrowFatal(e);
    System.Logger.Level level = WARNED.add(culprit.getClass()) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
    LOG.log(level, culprit.getClass().getName() + " failed in " + event + " (ignored)", e);
  }

  /** Throws {@code t} if it is a {@link VirtualMachineError}: nothing to recover from there. */
  public static void rethrowFatal(Throwable t) {
    if (t instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }

  private interface Event {
    void on(CallTracer t);
  }

  private void each(String name, Event event) {
    for (CallTracer t : tracers) {
      try {
        event.on(t);
      } catch (Throwable e) {
        reportFailure(t, name, e);
      }
    }
  }

  @Override
  public void outboundHeaders(Metadata headers) {
    each("outboundHeaders", t -> t.outboundHeaders(headers));
  }

  @Override
  public void inboundHeaders(Metadata headers) {
    each("inboundHeaders", t -> t.inboundHeaders(headers));
  }

  @Override
  public void outboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
    each("outboundMessage", t -> t.outboundMessage(wireSize, uncompressedSize, compressed));
  }

  @Override
  public void inboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
    each("inboundMessage", t -> t.inboundMessage(wireSize, uncompressedSize, compressed));
  }

  @Override
  public void handlerStarting() {
    each("handlerStarting", CallTracer::handlerStarting);
  }

  @Override
  public void handlerFinished() {
    // in reverse, so thread-bound context set up by several tracers unwinds in order
    for (int i = tracers.length - 1; i >= 0; i--) {
      try {
        tracers[i].handlerFinished();
      } catch (Throwable e) {
        reportFailure(tracers[i], "handlerFinished", e);
      }
    }
  }

  @Override
  public void callEnded(Status status, Metadata trailers) {
    each("callEnded", t -> t.callEnded(status, trailers));
  }
}
