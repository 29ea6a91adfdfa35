package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.Server;

/**
 * Where the application's code runs: the stages that depend on an asynchronous call's future run
 * on the channel's executor (a virtual thread each by default), never on a transport thread, so a
 * stage that blocks cannot stall the channel's other calls.
 */
abstract class CompletionsConformance extends AbstractTransportTest {
  private static final int STAGES = 8;

  CompletionsConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void dependentStagesThatBlockDoNotStallOtherCalls() throws Exception {
    Channel channel = fakeChannel();
    Thread test = Thread.currentThread();
    CountDownLatch stagesMayFinish = new CountDownLatch(1);
    AtomicInteger blocking = new AtomicInteger();
    AtomicReference<String> wrongThread = new AtomicReference<>();
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    for (int i = 0; i < STAGES; i++) {
      // WAIT holds each response back until release(), so the stage is registered before completion.
      stages.add(channel.callAsync(FakeService.WAIT, "s" + i).thenAccept(response -> {
        if (Thread.currentThread() == test) {
          wrongThread.set("a stage ran on the thread that registered it: the future completed too early");
          return;
        }
        blocking.incrementAndGet();
        try {
          stagesMayFinish.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    assertTrue(service.awaitStarted(STAGES, WAIT), "the calls never reached their handlers");
    service.release();
    Waits.until("all " + STAGES + " stages blocking", () -> blocking.get() == STAGES || wrongThread.get() != null,
        WAIT);
    assertNull(wrongThread.get());
    try {
      // Every completion stage is blocked now; other calls on the channel must still go through.
      assertEquals("free", channel.call(FakeService.ECHO, "free", CallOptions.DEFAULT.withTimeout(WAIT)));
      assertEquals("also free", channel.callAsync(FakeService.ECHO, "also free").get(WAIT.toMillis(),
          TimeUnit.MILLISECONDS));
    } finally {
      stagesMayFinish.countDown();
    }
    for (CompletableFuture<Void> s : stages) {
      s.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void completionsRunOnVirtualThreadsByDefault() throws Exception {
    Channel channel = fakeChannel();
    CompletableFuture<Thread> ranOn = channel.callAsync(FakeService.WAIT, "v")
        .thenApply(response -> Thread.currentThread());
    assertTrue(service.awaitStarted(1, WAIT));
    service.release();
    Thread t = ranOn.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(t.isVirtual(), () -> "the stage ran on " + t);
  }

  @Test
  void completionsRunOnTheChannelsExecutor() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "app-completions"));
    try {
      Server server = startServer(service.definition());
      Channel channel = openChannel(server, b -> b.executor(executor));
      CompletableFuture<String> ranOn = channel.callAsync(FakeService.WAIT, "e")
          .thenApply(response -> Thread.currentThread().getName());
      CompletableFuture<String> failedOn = channel.callAsync(FakeService.FAIL, "NOT_FOUND:gone")
          .handle((response, failure) -> Thread.currentThread().getName());
      assertTrue(service.awaitStarted(1, WAIT));
      service.release();
      assertEquals("app-completions", ranOn.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      String failureThread = failedOn.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertTrue(failureThread.equals("app-completions") || failureThread.equals(Thread.currentThread().getName()),
          () -> "a failed call completed on " + failureThread);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void refusingExecutorStillCompletesTheCall() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    executor.shutdown(); // refuses every task
    Server server = startServer(service.definition());
    Channel channel = openChannel(server, b -> b.executor(executor));
    assertEquals("still", channel.callAsync(FakeService.ECHO, "still").get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }
}
