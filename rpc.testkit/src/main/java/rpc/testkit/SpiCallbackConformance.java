package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.testkit.SpiMethods.BIDI_STREAMING;
import static rpc.testkit.SpiMethods.CLIENT_STREAMING;
import static rpc.testkit.SpiMethods.SERVER_STREAMING;
import static rpc.testkit.SpiMethods.bytes;
import static rpc.testkit.SpiMethods.texts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ServerTransport;

/**
 * The callbacks of one call are serialized, never nested, and end once, however the threads that
 * drive the call interleave: a peer streaming while the receiver requests from another thread and a
 * third cancels; a callback that requests the next message; a cancel or a half-close racing the
 * server's close, many times over.
 */
abstract class SpiCallbackConformance extends AbstractSpiTest {
  /** Messages the stressed sender offers; the call is cancelled long before. */
  private static final int MANY = 5_000;
  /** The receiver's message count at which the third thread cancels. */
  private static final int CANCEL_AT = 500;
  /** Long enough inside each callback for an overlapping one to be caught in the act. */
  private static final Duration DWELL = Duration.ofNanos(20_000);
  private static final int RACES = 200;
  private static final Duration RACE_TIME = Duration.ofSeconds(10);
  private static final int NESTED = 5;
  /** Messages the client sends while the server closes; all requested by the server beforehand. */
  private static final int BURST = 20;

  SpiCallbackConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void clientCallbacksNeverOverlapWhileOtherThreadsRequestAndCancel() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<byte[]>("stressed client").dwell(DWELL);
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);

    ExecutorService threads = Executors.newFixedThreadPool(3, Thread.ofPlatform().name("stress-", 0).factory());
    try {
      Future<?> sender = threads.submit(() -> sendWhileReady(s::isReady, i -> s.call().send(bytes("m" + i)),
          s::readyCount, () -> s.cancelCount() > 0));
      Future<?> requester = threads.submit(() -> requestOneAtATime(call::request, c::messageCount,
          () -> c.closeCount() > 0));
      Future<?> canceller = threads.submit(() -> {
        c.awaitMessages(CANCEL_AT, WAIT);
        call.cancel(Status.CANCELLED.withDescription("cancelled by the third thread"));
        return null;
      });
      canceller.get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
      requester.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      sender.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      threads.shutdownNow();
    }
    assertEquals(Status.Code.CANCELLED, c.awaitClose(WAIT).code(), c::describe);
    s.awaitCancel(WAIT);
    barrier(client);
    c.assertClosedOnce();
    s.assertCancelledOnce();
    assertClean(c, s);
  }

  @Test
  void serverCallbacksNeverOverlapWhileOtherThreadsRequestAndCancel() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("stressing client");
    ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT).dwell(DWELL);

    ExecutorService threads = Executors.newFixedThreadPool(3, Thread.ofPlatform().name("stress-", 0).factory());
    try {
      Future<?> sender = threads.submit(() -> sendWhileReady(() -> c.isReady(call), i -> call.send(bytes("m" + i)),
          c::readyCount, () -> c.closeCount() > 0));
      Future<?> requester = threads.submit(() -> requestOneAtATime(s.call()::request, s::messageCount,
          () -> s.cancelCount() > 0));
      Future<?> canceller = threads.submit(() -> {
        s.awaitMessages(CANCEL_AT, WAIT);
        call.cancel(Status.CANCELLED.withDescription("cancelled by the third thread"));
        return null;
      });
      canceller.get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
      requester.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      sender.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      threads.shutdownNow();
    }
    s.awaitCancel(WAIT);
    assertEquals(Status.Code.CANCELLED, c.awaitClose(WAIT).code(), c::describe);
    barrier(client);
    s.assertCancelledOnce();
    assertClean(c, s);
  }

  @Test
  void clientOnMessageThatRequestsSeesTheNextMessageOnlyAfterItReturns() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("requests from onMessage");
    ClientCall<byte[], byte[]> call = client.newCall(SERVER_STREAMING, CallOptions.DEFAULT);
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    c.whenMessage(m -> {
      deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
      call.request(1);
      depth.decrementAndGet();
    });
    start(call, c);
    call.send(bytes("go"));
    call.halfClose();
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    s.call().request(1);
    s.awaitHalfClose(WAIT);
    // Everything is queued before the client asks for the first message, so the transport could
    // deliver the next one at once, inside the onMessage that asks for it.
    for (int i = 0; i < NESTED; i++) {
      s.call().send(bytes("m" + i));
    }
    s.close(Status.OK, new Metadata());
    barrier(client);

    call.request(1);
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertEquals(IntStream.range(0, NESTED).mapToObj(i -> "m" + i).toList(), texts(c.messages()), c::describe);
    assertEquals(1, deepest.get(), () -> "onMessage ran inside onMessage; " + c.describe());
    assertClean(c, s);
  }

  @Test
  void serverOnMessageThatRequestsSeesTheNextMessageOnlyAfterItReturns() throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    RecordingClientListener<byte[]> c = new RecordingClientListener<>("sends ahead");
    ClientCall<byte[], byte[]> call = start(client, CLIENT_STREAMING, c);
    call.request(1);
    for (int i = 0; i < NESTED; i++) {
      call.send(bytes("m" + i));
    }
    call.halfClose();
    RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    s.whenMessage(m -> {
      deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
      s.call().request(1);
      depth.decrementAndGet();
    });
    barrier(client); // everything the client sent is at the server before it asks for the first

    s.call().request(1);
    s.awaitHalfClose(WAIT);
    assertEquals(IntStream.range(0, NESTED).mapToObj(i -> "m" + i).toList(), texts(s.messages()), s::describe);
    assertEquals(1, deepest.get(), () -> "onMessage ran inside onMessage; " + s.describe());
    s.close(Status.OK, new Metadata());
    assertEquals(Status.Code.OK, c.awaitClose(WAIT).code(), c::describe);
    assertClean(c, s);
  }

  @Test
  void clientCancelRacingServerCloseEndsEachSideOnce() throws Exception {
    List<Race> races = race("cancel", call -> call.cancel(Status.CANCELLED.withDescription("racing close")));
    for (Race race : races) {
      RecordingClientListener<byte[]> c = race.client();
      RecordingServerListener<byte[], byte[]> s = race.server();
      Status.Code code = c.status().code();
      assertTrue(code == Status.Code.OK || code == Status.Code.CANCELLED,
          () -> "expected OK (close won) or CANCELLED (cancel won); " + c.describe());
      c.assertClosedOnce();
      assertTrue(s.cancelCount() <= 1, () -> "expected at most one onCancel; " + s.describe());
      assertClean(c, s);
    }
  }

  @Test
  void clientHalfCloseRacingServerCloseEndsEachSideOnce() throws Exception {
    List<Race> races = race("half-close", ClientCall::halfClose);
    for (Race race : races) {
      RecordingClientListener<byte[]> c = race.client();
      RecordingServerListener<byte[], byte[]> s = race.server();
      assertEquals(Status.Code.OK, c.status().code(),
          () -> "nobody cancelled: the call must end with the server's OK; " + c.describe());
      c.assertClosedOnce();
      assertEquals(0, s.cancelCount(), () -> "nobody cancelled, yet the server call got onCancel; " + s.describe());
      assertClean(c, s);
    }
  }

  @Test
  void clientMessagesRacingServerCloseNeverReachTheClosedCall() throws Exception {
    List<Race> races = race("messages", call -> {
      for (int m = 0; m < BURST; m++) {
        call.send(bytes("m" + m));
      }
    });
    for (Race race : races) {
      RecordingClientListener<byte[]> c = race.client();
      RecordingServerListener<byte[], byte[]> s = race.server();
      assertEquals(Status.Code.OK, c.status().code(),
          () -> "nobody cancelled: the call must end with the server's OK; " + c.describe());
      c.assertClosedOnce();
      assertEquals(0, s.cancelCount(), () -> "nobody cancelled, yet the server call got onCancel; " + s.describe());
      assertClean(c, s);
    }
  }

  /** One raced call: its two listeners. */
  private record Race(RecordingClientListener<byte[]> client, RecordingServerListener<byte[], byte[]> server) {}

  /**
   * Runs {@value #RACES} calls (or as many as fit in {@link #RACE_TIME}) in which the server's
   * {@code close(OK)} and the client's {@code clientAction} start together on two threads, the
   * server having requested {@value #BURST} messages; returns
   * each call's client and server listener once every client call has ended.
   */
  private List<Race> race(String what, Consumer<ClientCall<byte[], byte[]>> clientAction) throws Exception {
    ServerTransport server = startServer();
    ClientTransport client = connect(server);
    List<Race> races = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("race-", 0).factory());
    try {
      long deadline = System.nanoTime() + RACE_TIME.toNanos();
      for (int i = 0; i < RACES && System.nanoTime() - deadline < 0; i++) {
        RecordingClientListener<byte[]> c = new RecordingClientListener<>(what + " race " + i);
        ClientCall<byte[], byte[]> call = start(client, BIDI_STREAMING, c);
        call.request(1);
        RecordingServerListener<byte[], byte[]> s = acceptor.nextCall(WAIT);
        s.call().request(BURST);
        CountDownLatch go = new CountDownLatch(1);
        Callable<Void> close = () -> {
          go.await();
          s.close(Status.OK, new Metadata());
          return null;
        };
        Callable<Void> act = () -> {
          go.await();
          clientAction.accept(call);
          return null;
        };
        // The thread submitted first tends to win: take turns, so both orders happen.
        List<Future<Void>> racers = i % 2 == 0 ? List.of(threads.submit(close), threads.submit(act))
            : List.of(threads.submit(act), threads.submit(close));
        go.countDown();
        for (Future<Void> racer : racers) {
          racer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        c.awaitClose(WAIT);
        races.add(new Race(c, s));
      }
    } finally {
      threads.shutdownNow();
    }
    assertTrue(races.size() > 0, "no race ran");
    barrier(client); // late callbacks of every race have had time to arrive
    return races;
  }

  /**
   * Sends as the library does, {@code isReady} first, waiting for {@code onReady} otherwise, until
   * {@link #MANY} are sent or {@code ended}.
   */
  private static Void sendWhileReady(BooleanSupplier isReady, IntConsumer send,
      IntSupplier readyCount, BooleanSupplier ended) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int sent = 0;
    while (sent < MANY && !ended.getAsBoolean() && System.nanoTime() - deadline < 0) {
      int readySeen = readyCount.getAsInt();
      if (isReady.getAsBoolean()) {
        send.accept(sent++);
      } else {
        awaitUntil(() -> readyCount.getAsInt() != readySeen || ended.getAsBoolean(), deadline);
      }
    }
    return null;
  }

  /** Requests one message at a time, keeping at most two outstanding, until {@code ended}. */
  private static Void requestOneAtATime(IntConsumer request, IntSupplier received,
      BooleanSupplier ended) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int requested = 0;
    while (!ended.getAsBoolean() && System.nanoTime() - deadline < 0) {
      if (requested - received.getAsInt() < 2) {
        request.accept(1);
        requested++;
      } else {
        int before = requested;
        awaitUntil(() -> before - received.getAsInt() < 2 || ended.getAsBoolean(), deadline);
      }
    }
    return null;
  }

  /** Polls {@code condition} every 50 µs until it holds or {@code deadline} (a nanoTime) passes. */
  private static void awaitUntil(BooleanSupplier condition, long deadline) {
    while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(50_000);
    }
  }
}
