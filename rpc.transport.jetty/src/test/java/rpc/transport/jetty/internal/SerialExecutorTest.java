package rpc.transport.jetty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SerialExecutorTest {

  @Test
  void reentrantTasksRunAfterTheCurrentOneInOrder() {
    SerialExecutor serial = new SerialExecutor();
    List<String> order = new ArrayList<>();
    serial.execute(() -> {
      order.add("a");
      serial.execute(() -> order.add("c"));
      order.add("b");
    });
    assertEquals(List.of("a", "b", "c"), order);
  }

  @Test
  void aThrowingTaskDoesNotStopTheOthers() {
    SerialExecutor serial = new SerialExecutor();
    List<String> order = new ArrayList<>();
    serial.execute(() -> {
      serial.execute(() -> order.add("after"));
      throw new IllegalStateException("boom");
    });
    assertEquals(List.of("after"), order);
  }

  @Test
  void tasksFromManyThreadsNeverOverlap() throws Exception {
    SerialExecutor serial = new SerialExecutor();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] count = {0};
    int threads = 4;
    int perThread = 20_000;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform().start(() -> {
        for (int i = 0; i < perThread; i++) {
          serial.execute(() -> {
            if (inside.incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            count[0]++; // unsynchronized on purpose: only safe if tasks never overlap
            inside.decrementAndGet();
          });
        }
        done.countDown();
      });
    }
    assertTrue(done.await(20, TimeUnit.SECONDS));
    serial.execute(() -> { }); // a final task observes everything before it
    assertEquals(0, overlaps.get());
    assertEquals(threads * perThread, count[0]);
  }
}
