package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static rpc.testkit.CallbackRecorder.ON_CANCEL;
import static rpc.testkit.CallbackRecorder.ON_HALF_CLOSE;
import static rpc.testkit.CallbackRecorder.ON_MESSAGE;
import static rpc.testkit.CallbackRecorder.ON_READY;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.spi.ServerCall;

/**
 * A {@link ServerCall.Listener} for one accepted call that records every callback with the thread
 * that ran it, and records a violation when the transport breaks a promise of {@link ServerCall}:
 * a callback before {@link #accepted()}, two callbacks overlapping in time, one nested inside
 * another, one after {@code onCancel} or after the library's {@link #close} returned, or one run
 * inside {@code isReady()}. Tests wait for callbacks with bounded waits and check
 * {@link #violations()} at the end.
 * Thread-safe: the transport calls it from its threads while the test reads it and drives the call.
 *
 * <p>Close the call through {@link #close} rather than on the call itself, so the listener knows
 * that from then on no callback may come.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
public final class RecordingServerListener<Req, Resp> implements ServerCall.Listener<Req> {
  private final CallbackRecorder recorder;
  private final ServerCall<Req, Resp> call;
  private final Metadata headers;
  private volatile Consumer<? super Req> messageAction = m -> {};
  private volatile Runnable halfCloseAction = () -> {};
  private volatile Runnable readyAction = () -> {};

  /**
   * A listener called {@code name} in assertion messages, for {@code call} accepted with request
   * {@code headers}. Callbacks count as violations until {@link #accepted()}.
   *
   * @param name the listener's name
   * @param call the call
   * @param headers the request headers the call was accepted with
   */
  public RecordingServerListener(String name, ServerCall<Req, Resp> call, Metadata headers) {
    this.recorder = new CallbackRecorder("server call '" + Objects.requireNonNull(name, "name") + "'", false);
    this.call = Objects.requireNonNull(call, "call");
    this.headers = headers.copy();
  }

  /** The acceptor is returning this listener to the transport: callbacks may come from now on. */
  public void accepted() {
    recorder.open();
  }

  /** {@return the call this listener belongs to} */
  public ServerCall<Req, Resp> call() {
    return call;
  }

  /** {@return a copy of the request headers the call was accepted with} */
  public Metadata headers() {
    return headers.copy();
  }

  /**
   * Runs {@code action} inside every {@code onMessage}, after recording it.
   *
   * @param action what to run, with the message
   * @return this listener
   */
  public RecordingServerListener<Req, Resp> whenMessage(Consumer<? super Req> action) {
    this.messageAction = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Runs {@code action} inside {@code onHalfClose}, after recording it.
   *
   * @param action what to run
   * @return this listener
   */
  public RecordingServerListener<Req, Resp> whenHalfClose(Runnable action) {
    this.halfCloseAction = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Runs {@code action} inside every {@code onReady}, after recording it.
   *
   * @param action what to run
   * @return this listener
   */
  public RecordingServerListener<Req, Resp> whenReady(Runnable action) {
    this.readyAction = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Spins for {@code d} inside every callback, so an overlapping callback is caught in the act.
   *
   * @param d how long each callback spins
   * @return this listener
   */
  public RecordingServerListener<Req, Resp> dwell(Duration d) {
    recorder.dwell(d);
    return this;
  }

  /**
   * Closes the call as the library would; once {@code close} has returned, any callback is a
   * violation. (One that starts while {@code close} runs is not: the two raced.)
   *
   * @param status the call's final status
   * @param trailers the trailing metadata
   */
  public void close(Status status, Metadata trailers) {
    call.close(status, trailers);
    recorder.ended("the library's close(" + CallbackRecorder.summary(status) + ") returned");
  }

  /**
   * Calls the call's {@code isReady()}, recording a violation if a callback runs inside it.
   *
   * @return what the call's {@code isReady()} returned
   */
  public boolean isReady() {
    return recorder.isReady(call::isReady);
  }

  @Override
  public void onMessage(Req message) {
    boolean owner = recorder.enter(ON_MESSAGE, message);
    try {
      messageAction.accept(message);
    } finally {
      recorder.exit(owner);
    }
  }

  @Override
  public void onHalfClose() {
    boolean owner = recorder.enter(ON_HALF_CLOSE, null);
    try {
      halfCloseAction.run();
    } finally {
      recorder.exit(owner);
    }
  }

  @Override
  public void onCancel(Status status) {
    boolean owner = recorder.enter(ON_CANCEL, status);
    recorder.ended("onCancel(" + CallbackRecorder.summary(status) + ")");
    recorder.exit(owner);
  }

  @Override
  public void onReady() {
    boolean owner = recorder.enter(ON_READY, null);
    try {
      readyAction.run();
    } finally {
      recorder.exit(owner);
    }
  }

  /** {@return the messages delivered so far, in order} */
  @SuppressWarnings("unchecked")
  public List<Req> messages() {
    return recorder.events().stream().filter(e -> e.callback().equals(ON_MESSAGE)).map(e -> (Req) e.value())
        .toList();
  }

  /** {@return how many {@code onMessage} calls arrived} */
  public int messageCount() {
    return recorder.count(ON_MESSAGE);
  }

  /** {@return how many {@code onHalfClose} calls arrived} */
  public int halfCloseCount() {
    return recorder.count(ON_HALF_CLOSE);
  }

  /** {@return how many {@code onCancel} calls arrived (a correct transport: at most one)} */
  public int cancelCount() {
    return recorder.count(ON_CANCEL);
  }

  /** Asserts that exactly one {@code onCancel} arrived, describing every callback if not. */
  public void assertCancelledOnce() {
    assertEquals(1, cancelCount(), () -> "expected exactly one onCancel; " + describe());
  }

  /** {@return how many {@code onReady} calls arrived} */
  public int readyCount() {
    return recorder.count(ON_READY);
  }

  /**
   * Waits until at least {@code n} messages have arrived, at most {@code max}.
   *
   * @param n how many messages in all
   * @param max how long to wait at most
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void awaitMessages(int n, Duration max) throws InterruptedException {
    recorder.await(n + " onMessage", ev -> ev.stream().filter(e -> e.callback().equals(ON_MESSAGE)).count() >= n,
        max);
  }

  /**
   * Waits for {@code onHalfClose}, at most {@code max}.
   *
   * @param max how long to wait at most
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void awaitHalfClose(Duration max) throws InterruptedException {
    recorder.await("onHalfClose", ev -> ev.stream().anyMatch(e -> e.callback().equals(ON_HALF_CLOSE)), max);
  }

  /**
   * Waits for {@code onCancel}, at most {@code max}, and returns its status.
   *
   * @param max how long to wait at most
   * @return the status of {@code onCancel}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public Status awaitCancel(Duration max) throws InterruptedException {
    return (Status) recorder.await("onCancel", ev -> ev.stream().anyMatch(e -> e.callback().equals(ON_CANCEL)), max)
        .stream().filter(e -> e.callback().equals(ON_CANCEL)).findFirst().orElseThrow().value();
  }

  /**
   * Waits until at least {@code n} {@code onReady} calls have arrived in all, at most {@code max}.
   *
   * @param n how many {@code onReady} calls in all
   * @param max how long to wait at most
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void awaitReady(int n, Duration max) throws InterruptedException {
    recorder.await(n + " onReady in all", ev -> ev.stream().filter(e -> e.callback().equals(ON_READY)).count() >= n,
        max);
  }

  /** {@return the callbacks so far, in order ({@code onMessage(text)}, {@code onCancel(CODE: description)})} */
  public List<String> callbacks() {
    return recorder.events().stream().map(CallbackRecorder.Event::toString).toList();
  }

  /** {@return the promises of {@link ServerCall} this call's transport broke, as sentences; empty if none} */
  public List<String> violations() {
    return recorder.violations();
  }

  /** {@return the callbacks and violations so far, for assertion messages} */
  public String describe() {
    return recorder.name() + ": " + recorder.describe();
  }

  @Override
  public String toString() {
    return recorder.name();
  }
}
