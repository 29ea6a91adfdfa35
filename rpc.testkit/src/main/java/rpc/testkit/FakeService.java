package rpc.testkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import rpc.api.Codec;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.MethodDescriptor.Kind;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * The service the conformance suite calls, recording what its handlers saw. Thread-safe: handlers
 * run at once, each on its own thread, and the recording state is concurrent.
 *
 * <p>It has one method per behaviour under test (echo, generate, absorb slowly, wait until
 * cancelled, fail with a status, crash, …), so a test can check the server side of a call. Make
 * one instance per test; the method descriptors are shared constants.
 */
public final class FakeService {

  /** The service name. */
  public static final String NAME = "rpc.testkit.FakeService";

  /** The longest any handler waits for the test to release it or cancel the call. */
  static final Duration MAX_WAIT = Duration.ofSeconds(20);

  private static final byte[] ALL_BYTES = new byte[256];

  static {
    for (int i = 0; i < ALL_BYTES.length; i++) {
      ALL_BYTES[i] = (byte) i;
    }
  }

  /** Unary: returns the request. */
  public static final MethodDescriptor<String, String> ECHO = strings("Echo", Kind.UNARY);
  /** Unary over a mutable codec: returns the request array, recording it (see {@link #nextReceivedArray}). */
  public static final MethodDescriptor<byte[], byte[]> ECHO_BYTES = bytes("EchoBytes", Kind.UNARY);
  /** Client-streaming: requests are numbers; the response is {@code "count:sum"}. */
  public static final MethodDescriptor<String, String> SUM = strings("Sum", Kind.CLIENT_STREAMING);
  /** Server-streaming: the request is {@code "count size"}; sends {@link #payload}s 0..count-1. */
  public static final MethodDescriptor<String, byte[]> GENERATE =
      method("Generate", Kind.SERVER_STREAMING, StringCodec.INSTANCE, BytesCodec.INSTANCE);
  /** Bidi: echoes every request in order; ends when the client half-closes. */
  public static final MethodDescriptor<String, String> BIDI_ECHO = strings("BidiEcho", Kind.BIDI_STREAMING);
  /** Bidi over a mutable codec: echoes every array, recording each one received. */
  public static final MethodDescriptor<byte[], byte[]> BIDI_BYTES = bytes("BidiBytes", Kind.BIDI_STREAMING);
  /**
   * Client-streaming slow consumer: reads nothing until {@link #release()}, then checks that
   * request {@code i} is {@code payload(i, size)} and returns the count.
   */
  public static final MethodDescriptor<byte[], String> ABSORB =
      method("Absorb", Kind.CLIENT_STREAMING, BytesCodec.INSTANCE, StringCodec.INSTANCE);
  /** Unary: waits until {@link #release()} (returns {@code "released:" + request}) or cancellation. */
  public static final MethodDescriptor<String, String> WAIT = strings("Wait", Kind.UNARY);
  /** Bidi: sends nothing; echoes what it receives until half-close or cancellation. */
  public static final MethodDescriptor<String, String> WAIT_STREAM = strings("WaitStream", Kind.BIDI_STREAMING);
  /** Unary: the request is {@code "CODE:description"}; fails with that status and {@link #failureTrailers}. */
  public static final MethodDescriptor<String, String> FAIL = strings("Fail", Kind.UNARY);
  /** Server-streaming: sends {@code "one"} and {@code "two"}, then fails like {@link #FAIL}. */
  public static final MethodDescriptor<String, String> FAIL_AFTER_MESSAGES =
      strings("FailAfterMessages", Kind.SERVER_STREAMING);
  /** Unary: throws {@code IllegalStateException(request)}. */
  public static final MethodDescriptor<String, String> CRASH = strings("Crash", Kind.UNARY);
  /**
   * Server-streaming: records the request headers; sends every {@code x-echo-*} request header back
   * as a response header and every {@code x-trailer-*} one as a trailer; request {@code "ok"} sends
   * {@code "ok"}, request {@code "fail"} fails {@code ABORTED} carrying those trailers.
   */
  public static final MethodDescriptor<String, String> METADATA = strings("Metadata", Kind.SERVER_STREAMING);
  /** Unary: the nanoseconds left before the call's deadline as the handler sees it, or {@code "none"}. */
  public static final MethodDescriptor<String, String> DEADLINE = strings("Deadline", Kind.UNARY);
  /** Unary: what the context says about the call, {@code method full name + "\n" + peer}. */
  public static final MethodDescriptor<String, String> CONTEXT = strings("Context", Kind.UNARY);
  /** Bidi: sends {@code "first"}, waits for one request, then cancels the call from the server. */
  public static final MethodDescriptor<String, String> SERVER_CANCEL = strings("ServerCancel", Kind.BIDI_STREAMING);
  /**
   * Bidi: the first request is a count N; one thread then sends {@code N} responses
   * ({@link #padded}{@code ("r-" + i, 1024)}) while the handler thread receives requests
   * {@code "q-0"…"q-(N-1)"}; the trailer {@code x-received} says how many arrived.
   */
  public static final MethodDescriptor<String, String> SEND_RECEIVE = strings("SendReceive", Kind.BIDI_STREAMING);
  /** Bidi: checks that a second receiver on the server stream is refused; reports and waits for half-close. */
  public static final MethodDescriptor<String, String> DOUBLE_RECEIVE =
      strings("DoubleReceive", Kind.BIDI_STREAMING);
  /**
   * Bidi: the request is {@code "count size"}; one thread sends payloads until flow control blocks
   * it, then the handler checks that a second sender is refused, reports, and lets the first finish.
   */
  public static final MethodDescriptor<String, byte[]> DOUBLE_SEND =
      method("DoubleSend", Kind.BIDI_STREAMING, StringCodec.INSTANCE, BytesCodec.INSTANCE);

  /**
   * Server-streaming, mixed sizes: the request is {@code "count size"}; sends {@code payload(0, 16)},
   * then {@code payload(i, size)} for i = 1..count. Records its sender like {@link #GENERATE}.
   */
  public static final MethodDescriptor<String, byte[]> SMALL_THEN_LARGE =
      method("SmallThenLarge", Kind.SERVER_STREAMING, StringCodec.INSTANCE, BytesCodec.INSTANCE);
  /**
   * Server-streaming without end: the request is a size; sends {@code payload(i, size)} for
   * i = 0, 1, … until the call ends (or {@link #MAX_WAIT} passes), then reports how its send ended
   * ({@code "send threw CODE"}). Records its sender like {@link #GENERATE}.
   */
  public static final MethodDescriptor<String, byte[]> ENDLESS =
      method("Endless", Kind.SERVER_STREAMING, StringCodec.INSTANCE, BytesCodec.INSTANCE);
  /**
   * Client-streaming slow consumer: receives one request, reports {@code "first"}, reads nothing more
   * until {@link #release()}, then reads the rest and returns how many requests arrived in all.
   */
  public static final MethodDescriptor<byte[], String> HOLD_AFTER_FIRST =
      method("HoldAfterFirst", Kind.CLIENT_STREAMING, BytesCodec.INSTANCE, StringCodec.INSTANCE);
  /**
   * Bidi: hands the stream to a second thread that calls {@code receive()}, and returns once that
   * thread is waiting; the thread reports how its receive ended ({@code "receive threw CODE"} or
   * {@code "receive returned ..."}).
   */
  public static final MethodDescriptor<String, String> LEAK_RECEIVER = strings("LeakReceiver", Kind.BIDI_STREAMING);
  /**
   * Bidi: a second thread sends 64 KiB payloads until flow control stops it (the client reads
   * nothing); the handler returns then, and the thread reports how its send ended.
   */
  public static final MethodDescriptor<String, byte[]> LEAK_SENDER =
      method("LeakSender", Kind.BIDI_STREAMING, StringCodec.INSTANCE, BytesCodec.INSTANCE);
  /**
   * Bidi: a second thread calls {@code receive()}; once it waits, the handler interrupts it and
   * reports how its receive ended.
   */
  public static final MethodDescriptor<String, String> INTERRUPT_RECEIVER =
      strings("InterruptReceiver", Kind.BIDI_STREAMING);
  /**
   * Unary: calls {@code setResponseCompression(request)} and returns {@code "ok"}, or
   * {@code "refused: " + message} if that threw {@link IllegalArgumentException}.
   */
  public static final MethodDescriptor<String, String> COMPRESS = strings("Compress", Kind.UNARY);

  private final AtomicInteger handlerCalls = new AtomicInteger();
  private final Semaphore started = new Semaphore(0);
  private final CountDownLatch released = new CountDownLatch(1);
  private final BlockingQueue<Observation> observations = new LinkedBlockingQueue<>();
  private final BlockingQueue<byte[]> receivedArrays = new LinkedBlockingQueue<>();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicReference<Thread> sender = new AtomicReference<>();

  /** A fresh service with empty recordings. */
  public FakeService() {}

  /** {@return the service definition whose handlers record into this instance} */
  public ServiceDefinition definition() {
    return ServiceDefinition.newBuilder(NAME)
        .unary(ECHO, (request, ctx) -> entered(request))
        .unary(ECHO_BYTES, (request, ctx) -> {
          entered(request);
          receivedArrays.add(request);
          return request;
        })
        .clientStreaming(SUM, this::sum)
        .serverStreaming(GENERATE, this::generate)
        .bidiStreaming(BIDI_ECHO, this::bidiEcho)
        .bidiStreaming(BIDI_BYTES, this::bidiBytes)
        .clientStreaming(ABSORB, this::absorb)
        .unary(WAIT, this::await)
        .bidiStreaming(WAIT_STREAM, this::waitStream)
        .unary(FAIL, (request, ctx) -> {
          throw failure(entered(request));
        })
        .serverStreaming(FAIL_AFTER_MESSAGES, (request, stream) -> {
          entered(request);
          stream.send("one");
          stream.send("two");
          throw failure(request);
        })
        .unary(CRASH, (request, ctx) -> {
          throw new IllegalStateException(entered(request));
        })
        .serverStreaming(METADATA, this::metadata)
        .unary(DEADLINE, (request, ctx) -> {
          entered(request);
          return ctx.deadline() == null ? "none" : Long.toString(ctx.deadline().remainingNanos());
        })
        .unary(CONTEXT, (request, ctx) -> {
          entered(request);
          return ctx.method().fullName() + "\n" + ctx.peer();
        })
        .bidiStreaming(SERVER_CANCEL, this::serverCancel)
        .bidiStreaming(SEND_RECEIVE, new ConcurrentHandlers(this)::sendReceive)
        .bidiStreaming(DOUBLE_RECEIVE, new ConcurrentHandlers(this)::doubleReceive)
        .bidiStreaming(DOUBLE_SEND, new ConcurrentHandlers(this)::doubleSend)
        .serverStreaming(SMALL_THEN_LARGE, this::smallThenLarge)
        .serverStreaming(ENDLESS, this::endless)
        .clientStreaming(HOLD_AFTER_FIRST, this::holdAfterFirst)
        .bidiStreaming(LEAK_RECEIVER, new LeftBehindHandlers(this)::leakReceiver)
        .bidiStreaming(LEAK_SENDER, new LeftBehindHandlers(this)::leakSender)
        .bidiStreaming(INTERRUPT_RECEIVER, new LeftBehindHandlers(this)::interruptReceiver)
        .unary(COMPRESS, (request, ctx) -> {
          entered(request);
          try {
            ctx.setResponseCompression(request);
            return "ok";
          } catch (IllegalArgumentException e) {
            return "refused: " + e.getMessage();
          }
        })
        .build();
  }

  // ---- what tests read and control ----

  /** {@return how many handler invocations began (interceptors that reject a call keep it at zero)} */
  public int handlerCalls() {
    return handlerCalls.get();
  }

  /**
   * Waits until {@code n} more {@link #WAIT}/{@link #WAIT_STREAM} handlers have started.
   *
   * @param n how many more handlers
   * @param timeout how long to wait at most
   * @return true if they started in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitStarted(int n, Duration timeout) throws InterruptedException {
    return started.tryAcquire(n, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Lets every waiting {@link #WAIT} and {@link #ABSORB} handler go on, now and later. */
  public void release() {
    released.countDown();
  }

  /**
   * The next handler report, waiting up to {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return the report
   * @throws AssertionError if none arrives in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public Observation nextObservation(Duration timeout) throws InterruptedException {
    Observation o = observations.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (o == null) {
      throw new AssertionError("no handler reported what it saw within " + timeout);
    }
    return o;
  }

  /**
   * The next array an {@link #ECHO_BYTES} or {@link #BIDI_BYTES} handler received, or null after {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return the array, or null
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public byte[] nextReceivedArray(Duration timeout) throws InterruptedException {
    return receivedArrays.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** {@return how many messages the {@link #GENERATE}, {@link #ENDLESS} or {@link #DOUBLE_SEND} sender has sent so far} */
  public int sent() {
    return sent.get();
  }

  /** Starts counting {@link #sent()} from zero again and forgets the last sender thread. */
  public void resetSent() {
    sent.set(0);
    sender.set(null);
  }

  /**
   * The thread sending for {@link #GENERATE}, {@link #ENDLESS} or {@link #DOUBLE_SEND}, once it has started.
   *
   * @return the sending thread, or null before it starts
   */
  public Thread senderThread() {
    return sender.get();
  }

  // ---- fixtures shared with the tests ----

  /**
   * A deterministic message of {@code size} bytes for position {@code index}; shifts and swaps show.
   *
   * @param index the message's position in its stream
   * @param size its length in bytes
   * @return the message
   */
  public static byte[] payload(int index, int size) {
    byte[] b = new byte[size];
    for (int j = 0; j < size; j++) {
      b[j] = (byte) (index * 7 + j + (j >>> 8) * 3 + (j >>> 16) * 5);
    }
    return b;
  }

  /**
   * Whether {@code message} is exactly {@code payload(index, message.length)}.
   *
   * @param index the message's expected position
   * @param message the message received
   * @return true if it is that payload
   */
  public static boolean isPayload(int index, byte[] message) {
    return message != null && Arrays.equals(message, payload(index, message.length));
  }

  /**
   * {@code prefix + "|"} padded with dots to {@code size} characters.
   *
   * @param prefix the start of the text
   * @param size the length of the result
   * @return the padded text
   */
  public static String padded(String prefix, int size) {
    StringBuilder sb = new StringBuilder(size).append(prefix).append('|');
    while (sb.length() < size) {
      sb.append('.');
    }
    return sb.toString();
  }

  /**
   * The trailers {@link #FAIL} and {@link #FAIL_AFTER_MESSAGES} send with their status.
   *
   * @param code the failure's code
   * @return a new copy of the trailers
   */
  public static Metadata failureTrailers(Status.Code code) {
    return new Metadata().put("x-failed-code", code.name()).putBinary("x-failed-bin", ALL_BYTES);
  }

  // ---- handlers ----

  String entered(String request) {
    handlerCalls.incrementAndGet();
    return request;
  }

  private void entered(byte[] request) {
    handlerCalls.incrementAndGet();
  }

  void record(Observation o) {
    observations.add(o);
  }

  void recordSender(Thread t) {
    sender.set(t);
  }

  int countSent() {
    return sent.incrementAndGet();
  }

  private static StatusException failure(String request) {
    int colon = request.indexOf(':');
    Status.Code code = Status.Code.valueOf(colon < 0 ? request : request.substring(0, colon));
    String description = colon < 0 ? null : request.substring(colon + 1);
    return Status.of(code, description).asException(failureTrailers(code));
  }

  private String sum(ServerStream<String, String> requests) {
    entered("");
    long count = 0;
    long sum = 0;
    for (String m = requests.receive(); m != null; m = requests.receive()) {
      count++;
      sum += Long.parseLong(m);
    }
    return count + ":" + sum;
  }

  private void generate(String request, ServerStream<byte[], String> responses) {
    entered(request);
    sender.set(Thread.currentThread());
    String[] parts = request.split(" ");
    int count = Integer.parseInt(parts[0]);
    int size = Integer.parseInt(parts[1]);
    for (int i = 0; i < count; i++) {
      responses.send(payload(i, size));
      sent.incrementAndGet();
    }
  }

  private void smallThenLarge(String request, ServerStream<byte[], String> responses) {
    entered(request);
    sender.set(Thread.currentThread());
    String[] parts = request.split(" ");
    int count = Integer.parseInt(parts[0]);
    int size = Integer.parseInt(parts[1]);
    responses.send(payload(0, 16));
    sent.incrementAndGet();
    for (int i = 1; i <= count; i++) {
      responses.send(payload(i, size));
      sent.incrementAndGet();
    }
  }

  private void endless(String request, ServerStream<byte[], String> responses) {
    entered(request);
    sender.set(Thread.currentThread());
    int size = Integer.parseInt(request);
    ServerContext ctx = responses.context();
    long end = System.nanoTime() + MAX_WAIT.toNanos();
    try {
      for (int i = 0; System.nanoTime() - end < 0; i++) {
        responses.send(payload(i, size));
        sent.incrementAndGet();
      }
    } catch (StatusException e) {
      record(new Observation("Endless", responses.name(), ctx.requestHeaders(), ctx.deadline(), ctx.isCancelled(),
          ctx.cancellationStatus(), Thread.currentThread().isInterrupted(), "send threw " + e.status().code()));
      throw e;
    }
    throw Status.FAILED_PRECONDITION.withDescription("the call was still running after " + MAX_WAIT).asException();
  }

  private String holdAfterFirst(ServerStream<String, byte[]> requests) throws InterruptedException {
    entered("");
    int count = requests.receive() == null ? 0 : 1;
    ServerContext ctx = requests.context();
    record(new Observation("HoldAfterFirst", requests.name(), ctx.requestHeaders(), ctx.deadline(), false, null,
        false, "first"));
    if (!released.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw Status.FAILED_PRECONDITION.withDescription("the test never released the slow consumer").asException();
    }
    while (requests.receive() != null) {
      count++;
    }
    return Integer.toString(count);
  }

  private void bidiEcho(ServerStream<String, String> stream) {
    entered("");
    for (String m = stream.receive(); m != null; m = stream.receive()) {
      stream.send(m);
    }
  }

  private void bidiBytes(ServerStream<byte[], byte[]> stream) {
    entered("");
    for (byte[] m = stream.receive(); m != null; m = stream.receive()) {
      receivedArrays.add(m);
      stream.send(m);
    }
  }

  private String absorb(ServerStream<String, byte[]> requests) throws InterruptedException {
    entered("");
    if (!released.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw Status.FAILED_PRECONDITION.withDescription("the test never released the slow consumer").asException();
    }
    int count = 0;
    for (byte[] m = requests.receive(); m != null; m = requests.receive()) {
      if (!isPayload(count, m)) {
        throw Status.DATA_LOSS.withDescription("request " + count + " arrived corrupted").asException();
      }
      count++;
    }
    return Integer.toString(count);
  }

  private String await(String request, ServerContext ctx) {
    entered(request);
    started.release();
    boolean interrupted = false;
    boolean wasReleased = false;
    long end = System.nanoTime() + MAX_WAIT.toNanos();
    try {
      // Poll the flag too: a transport may report cancellation without interrupting the thread.
      while (!ctx.isCancelled() && System.nanoTime() - end < 0) {
        if (released.await(10, TimeUnit.MILLISECONDS)) {
          wasReleased = true;
          break;
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    record(new Observation("Wait", null, ctx.requestHeaders(), ctx.deadline(), ctx.isCancelled(),
        ctx.cancellationStatus(), interrupted, wasReleased ? "released" : "not released"));
    if (wasReleased) {
      return "released:" + request;
    }
    throw Status.CANCELLED.withDescription("stopped waiting").asException();
  }

  private void waitStream(ServerStream<String, String> stream) {
    entered("");
    started.release();
    ServerContext ctx = stream.context();
    try {
      for (String m = stream.receive(); m != null; m = stream.receive()) {
        stream.send(m);
      }
      record(new Observation("WaitStream", stream.name(), ctx.requestHeaders(), ctx.deadline(), ctx.isCancelled(),
          ctx.cancellationStatus(), Thread.currentThread().isInterrupted(), "half-closed"));
    } catch (StatusException e) {
      record(new Observation("WaitStream", stream.name(), ctx.requestHeaders(), ctx.deadline(), ctx.isCancelled(),
          ctx.cancellationStatus(), Thread.currentThread().isInterrupted(), "receive threw " + e.status()));
      throw e;
    }
  }

  private void metadata(String request, ServerStream<String, String> stream) {
    entered(request);
    ServerContext ctx = stream.context();
    Metadata in = ctx.requestHeaders();
    record(new Observation("Metadata", stream.name(), in, ctx.deadline(), false, null, false, request));
    Metadata echoed = new Metadata();
    Metadata trailing = new Metadata();
    in.forEach((key, value) -> {
      Metadata into = key.startsWith("x-echo-") ? echoed : key.startsWith("x-trailer-") ? trailing : null;
      if (into != null && value instanceof byte[] b) {
        into.putBinary(key, b);
      } else if (into != null) {
        into.put(key, (String) value);
      }
    });
    if (!echoed.isEmpty()) {
      stream.sendHeaders(echoed);
    }
    if ("fail".equals(request)) {
      throw Status.ABORTED.withDescription("failed on request").asException(trailing);
    }
    ctx.responseTrailers().merge(trailing);
    stream.send("ok");
  }

  private void serverCancel(ServerStream<String, String> stream) {
    entered("");
    stream.send("first");
    String go = stream.receive();
    stream.cancel();
    String detail;
    try {
      stream.send("after cancel");
      detail = "send after cancel did not throw";
    } catch (StatusException e) {
      detail = "send after cancel threw " + e.status().code();
    }
    ServerContext ctx = stream.context();
    record(new Observation("ServerCancel", stream.name(), ctx.requestHeaders(), ctx.deadline(), ctx.isCancelled(),
        ctx.cancellationStatus(), Thread.interrupted(), go + "; " + detail));
  }

  private static MethodDescriptor<String, String> strings(String name, Kind kind) {
    return method(name, kind, StringCodec.INSTANCE, StringCodec.INSTANCE);
  }

  private static MethodDescriptor<byte[], byte[]> bytes(String name, Kind kind) {
    return method(name, kind, BytesCodec.INSTANCE, BytesCodec.INSTANCE);
  }

  private static <Q, R> MethodDescriptor<Q, R> method(String name, Kind kind, Codec<Q> q, Codec<R> r) {
    return MethodDescriptor.of(MethodDescriptor.fullName(NAME, name), kind, q, r);
  }

  /** {@return Every byte value once, 0x00 to 0xFF, in a new array: binary metadata must survive byte for byte} */
  public static byte[] allBytes() {
    return ALL_BYTES.clone();
  }
}
