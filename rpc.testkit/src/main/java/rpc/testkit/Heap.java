package rpc.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * What the heap holds after a full garbage collection: how the tests measure retained memory, which
 * is what a memory bound promises (counting messages says nothing when their sizes differ).
 * Thread-safe.
 */
final class Heap {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private Heap() {}

  /** Bytes of heap in use after collecting until the figure stops falling (at most a few rounds). */
  static long usedAfterGc() {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      if (used >= best - 256 * 1024) {
        return Math.min(used, best);
      }
      best = used;
    }
    return best;
  }
}
