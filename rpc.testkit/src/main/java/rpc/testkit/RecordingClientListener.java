package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static rpc.testkit.CallbackRecorder.ON_CLOSE;
import static rpc.testkit.CallbackRecorder.ON_HEADERS;
import static rpc.testkit.CallbackRecorder.ON_MESSAGE;
import static rpc.testkit.CallbackRecorder.ON_READY;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.spi.ClientCall;

/**
 * A {@link ClientCall.Listener} that records every callback with the thread that ran it, and
 * records a violation when the transport breaks a promise of {@link ClientCall}: two callbacks of
 * the call overlapping in time, one nested inside another, one after {@code onClose} (a second
 * {@code onClose} included), one run inside {@code isReady()}, or {@code onHeaders} twice or after
 * a message. Tests wait for callbacks with
 * bounded waits and check {@link #violations()} at the end.
 * Thread-safe: the transport calls it from its threads while the test reads it.
 *
 * <p>Actions ({@link #whenMessage}, {@link #whenReady}) run inside the callback, so a test can call
 * back into the call from there; set them before the call starts.
 *
 * @param <Resp> response type
 */
public final class RecordingClientListener<Resp> implements ClientCall.Listener<Resp> {
  private final CallbackRecorder recorder;
  private volatile Consumer<? super Resp> messageAction = m -> {};
  private volatile Runnable readyAction = () -> {};
  private volatile Metadata trailers;

  /**
   * A listener called {@code name} in assertion messages.
   *
   * @param name the listener's name
   */
  public RecordingClientListener(String name) {
    this.recorder = new CallbackRecorder("client call '" + Objects.requireNonNull(name, "name") + "'", true);
  }

  /**
   * Runs {@code action} inside every {@code onMessage}, after recording it.
   *
   * @param action what to run, with the message
   * @return this listener
   */
  public RecordingClientListener<Resp> whenMessage(Consumer<? super Resp> action) {
    this.messageAction = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Runs {@code action} inside every {@code onReady}, after recording it.
   *
   * @param action what to run
   * @return this listener
   */
  public RecordingClientListener<Resp> whenReady(Runnable action) {
    this.readyAction = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Spins for {@code d} inside every callback, so an overlapping callback is caught in the act.
   *
   * @param d how long each callback spins
   * @return this listener
   */
  public RecordingClientListener<Resp> dwell(Duration d) {
    recorder.dwell(d);
    return this;
  }

  @Override
  public void onHeaders(Metadata headers) {
    int before = recorder.count(ON_HEADERS) + recorder.count(ON_MESSAGE);
    boolean owner = recorder.enter(ON_HEADERS, null);
    if (before > 0) {
      recorder.violation("onHeaders came after " + (recorder.count(ON_HEADERS) > 1 ? "onHeaders" : "onMessage")
          + ": at most once, before any message");
    }
    recorder.exit(owner);
  }

  @Override
  public void onMessage(Resp message) {
    boolean owner = recorder.enter(ON_MESSAGE, message);
    try {
      messageAction.accept(message);
    } finally {
      recorder.exit(owner);
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    boolean owner = recorder.enter(ON_CLOSE, status);
    if (this.trailers == null) {
      this.trailers = trailers;
    }
    recorder.ended("onClose(" + CallbackRecorder.summary(status) + ")");
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

  /**
   * Calls {@code call.isReady()}, recording a violation if a callback of this listener runs inside it.
   *
   * @param call the call this listener listens to
   * @return what {@code call.isReady()} returned
   */
  public boolean isReady(ClientCall<?, ?> call) {
    return recorder.isReady(call::isReady);
  }

  /** {@return the messages delivered so far, in order} */
  @SuppressWarnings("unchecked")
  public List<Resp> messages() {
    return recorder.events().stream().filter(e -> e.callback().equals(ON_MESSAGE)).map(e -> (Resp) e.value())
        .toList();
  }

  /** {@return how many {@code onMessage} calls arrived} */
  public int messageCount() {
    return recorder.count(ON_MESSAGE);
  }

  /** {@return how many {@code onReady} calls arrived} */
  public int readyCount() {
    return recorder.count(ON_READY);
  }

  /** {@return how many {@code onClose} calls arrived (a correct transport: at most one)} */
  public int closeCount() {
    return recorder.count(ON_CLOSE);
  }

  /** Asserts that exactly one {@code onClose} arrived, describing every callback if not. */
  public void assertClosedOnce() {
    assertEquals(1, closeCount(), () -> "expected exactly one onClose; " + describe());
  }

  /** {@return the status of the first {@code onClose}, or null} */
  public Status status() {
    return recorder.events().stream().filter(e -> e.callback().equals(ON_CLOSE)).map(e -> (Status) e.value())
        .findFirst().orElse(null);
  }

  /** {@return the trailers of the first {@code onClose}, or null} */
  public Metadata trailers() {
    return trailers;
  }

  /**
   * Waits for {@code onClose}, at most {@code max}, and returns its status.
   *
   * @param max how long to wait at most
   * @return the status of {@code onClose}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public Status awaitClose(Duration max) throws InterruptedException {
    recorder.await("onClose", ev -> ev.stream().anyMatch(e -> e.callback().equals(ON_CLOSE)), max);
    return status();
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

  /** {@return the callbacks so far, in order ({@code onMessage(text)}, {@code onClose(CODE: description)})} */
  public List<String> callbacks() {
    return recorder.events().stream().map(CallbackRecorder.Event::toString).toList();
  }

  /** {@return the promises of {@link ClientCall} this call's transport broke, as sentences; empty if none} */
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
