package rpc.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.spi.ServerCall;
import rpc.api.spi.ServerCallAcceptor;

/**
 * The library's side of a server transport, as a test fixture: serves {@link SpiMethods}, returns a
 * {@link RecordingServerListener} for each call and queues it for the test to take.
 * Thread-safe: transports call it from their threads, for many calls at once.
 *
 * <p>Calls of a method given to {@link #answer} are handled by their action alone and not queued,
 * so a test can make round trips without taking them.
 */
final class RecordingServerAcceptor implements ServerCallAcceptor {
  private final Map<String, MethodDescriptor<byte[], byte[]>> methods = new ConcurrentHashMap<>();
  private final Map<String, Consumer<RecordingServerListener<byte[], byte[]>>> answers = new ConcurrentHashMap<>();
  private final BlockingQueue<RecordingServerListener<byte[], byte[]>> accepted = new LinkedBlockingQueue<>();
  private final Queue<RecordingServerListener<byte[], byte[]>> all = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();

  RecordingServerAcceptor(List<MethodDescriptor<byte[], byte[]>> methods) {
    methods.forEach(m -> this.methods.put(m.fullName(), m));
  }

  /**
   * Handles every call of {@code method} with {@code action}, run inside {@code accept} (before any
   * callback can come), instead of queueing it.
   */
  void answer(MethodDescriptor<byte[], byte[]> method, Consumer<RecordingServerListener<byte[], byte[]>> action) {
    answers.put(method.fullName(), action);
  }

  @Override
  public MethodDescriptor<?, ?> lookup(String fullMethodName) {
    return methods.get(fullMethodName);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <Req, Resp> ServerCall.Listener<Req> accept(ServerCall<Req, Resp> call, Metadata headers) {
    String name = call.method().methodName() + " #" + count.incrementAndGet();
    RecordingServerListener<byte[], byte[]> listener =
        new RecordingServerListener<>(name, (ServerCall<byte[], byte[]>) call, headers);
    all.add(listener);
    Consumer<RecordingServerListener<byte[], byte[]>> answer = answers.get(call.method().fullName());
    if (answer != null) {
      answer.accept(listener);
    } else {
      accepted.add(listener);
    }
    listener.accepted();
    return (ServerCall.Listener<Req>) listener;
  }

  /** The next call accepted and not yet taken, waiting at most {@code max}. */
  RecordingServerListener<byte[], byte[]> nextCall(Duration max) throws InterruptedException {
    RecordingServerListener<byte[], byte[]> next = accepted.poll(max.toNanos(), TimeUnit.NANOSECONDS);
    if (next == null) {
      fail("expected the server transport to accept a call within " + max.toSeconds() + " s; none came");
    }
    return next;
  }

  /** Every listener returned so far. */
  List<RecordingServerListener<byte[], byte[]>> all() {
    return List.copyOf(all);
  }
}
