package rpc.api.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import rpc.api.wire.MessageCompression;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.ServerContext;
import rpc.api.Status;
import rpc.api.internal.HandlerCall;
import rpc.api.internal.VirtualThreads;
import rpc.api.spi.ServerCall;

/**
 * What a handler knows about its call, and the call's cancellation: the status, interrupting the
 * handler's thread while (and only while) it runs the handler, and the application's
 * {@link #onCancel} actions, which run on a virtual thread of their own, never on the transport's.
 * Thread-safe, except {@link #responseTrailers()} (the handler's own thread).
 */
final class CallContext implements ServerContext, HandlerCall {
  private static final System.Logger LOG = System.getLogger("rpc.api.Server");

  private final ServerCall<?, ?> call;
  private final Metadata requestHeaders;
  private final Metadata trailers = new Metadata();
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Status cancelStatus;
  private Thread handlerThread; // guarded by lock
  private List<Runnable> cancelActions; // guarded by lock

  private final rpc.api.Stream<?, ?> stream;

  CallContext(ServerCall<?, ?> call, Metadata requestHeaders, rpc.api.Stream<?, ?> stream) {
    this.call = call;
    this.requestHeaders = requestHeaders;
    this.stream = stream;
  }

  /** The handler starts on this thread; false if the call was cancelled before it could. */
  boolean handlerStarted(Thread thread) {
    lock.lock();
    try {
      if (cancelStatus != null) {
        return false;
      }
      handlerThread = thread;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The handler returned: its thread is no longer the call's to interrupt. */
  void handlerFinished() {
    lock.lock();
    try {
      handlerThread = null;
    } finally {
      lock.unlock();
    }
    Thread.interrupted(); // a cancellation's interrupt must not leak into whatever the thread runs next
  }

  /** The call was cancelled: records why, interrupts the handler, and starts the cancel actions. */
  void cancelled(Status status) {
    List<Runnable> actions;
    lock.lock();
    try {
      if (cancelStatus != null) {
        return;
      }
      cancelStatus = status;
      if (handlerThread != null) {
        handlerThread.interrupt();
      }
      actions = cancelActions;
      cancelActions = null;
    } finally {
      lock.unlock();
    }
    if (actions != null) {
      VirtualThreads.start(() -> actions.forEach(CallContext::runAction));
    }
  }

  private static void runAction(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "onCancel action failed", e);
    }
  }

  // ---- ServerContext ----

  @Override
  public MethodDescriptor<?, ?> method() {
    return call.method();
  }

  @Override
  public Metadata requestHeaders() {
    return requestHeaders.copy();
  }

  @Override
  public Deadline deadline() {
    return call.deadline();
  }

  @Override
  public boolean isCancelled() {
    return cancelStatus != null;
  }

  @Override
  public Status cancellationStatus() {
    return cancelStatus;
  }

  @Override
  public String peer() {
    return call.peer();
  }

  @Override
  public String authority() {
    return call.authority();
  }

  @Override
  public Metadata responseTrailers() {
    return trailers;
  }

  @Override
  public void setResponseCompression(String encoding) {
    call.setCompression(MessageCompression.requireSupported(encoding));
  }

  @Override
  public boolean requestCompressed() {
    return stream.lastReceivedCompressed();
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    stream.setMessageCompression(enabled);
  }

  @Override
  public Runnable whenCancelled(Consumer<Status> action) {
    Runnable run = () -> action.accept(cancelStatus);
    lock.lock();
    try {
      if (cancelStatus == null) {
        if (cancelActions == null) {
          cancelActions = new ArrayList<>(2);
        }
        cancelActions.add(run);
        return () -> forget(run);
      }
    } finally {
      lock.unlock();
    }
    runAction(run); // already cancelled: on the caller's own thread
    return () -> { };
  }

  private void forget(Runnable action) {
    lock.lock();
    try {
      if (cancelActions != null) {
        cancelActions.remove(action);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onCancel(Runnable action) {
    Objects.requireNonNull(action, "action");
    lock.lock();
    try {
      if (cancelStatus == null) {
        if (cancelActions == null) {
          cancelActions = new ArrayList<>(2);
        }
        cancelActions.add(action);
        return;
      }
    } finally {
      lock.unlock();
    }
    runAction(action); // already cancelled: on the caller's own thread
  }
}
