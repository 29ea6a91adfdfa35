package rpc.transport.connect.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The request body of a streaming call: the envelopes the application sends, handed to the HTTP
 * client only as fast as it asks for them (its demand follows the socket, or the HTTP/2 flow-control
 * window). What waits here is bounded by the caller: it sends only while {@link #isReady()}, which
 * says whether fewer than {@link #READY_BYTES} bytes wait; when they drain below that after a
 * "not ready", {@code onReady} runs.
 *
 * <p>Thread-safe: {@link #offer}, {@link #complete} and {@link #fail} from the sending thread (or
 * any thread, for {@code fail}), demand from the HTTP client's threads. Subscriber signals are
 * serialized (one thread drains at a time) and never made while the lock is held.
 */
final class RequestBody implements Flow.Publisher<ByteBuffer> {
  /** Below this many waiting bytes, a call is ready for more. */
  static final int READY_BYTES = 32 * 1024;

  private final Runnable onReady;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private long queuedBytes;
  private long demand;
  private boolean complete;
  private Throwable failure;
  private boolean terminated;
  private boolean draining;
  private boolean notReadyReported;
  private Flow.Subscriber<? super ByteBuffer> subscriber;

  /**
   * A body with nothing in it yet.
   *
   * @param onReady runs (on the thread that drained) when a sender told "not ready" may send again
   */
  RequestBody(Runnable onReady) {
    this.onReady = onReady;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    lock.lock();
    boolean second;
    try {
      second = subscriber != null;
      if (!second) {
        subscriber = s;
      }
    } finally {
      lock.unlock();
    }
    if (second) {
      // The messages already went to the first subscriber: a streaming body cannot be replayed.
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      s.onError(new IllegalStateException("a streaming request body cannot be sent twice"));
      return;
    }
    s.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        lock.lock();
        try {
          if (n <= 0) {
            failure = new IllegalArgumentException("non-positive request: " + n);
          } else {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
          }
        } finally {
          lock.unlock();
        }
        drain();
      }

      @Override
      public void cancel() {
        lock.lock();
        try {
          terminated = true;
          queue.clear();
          queuedBytes = 0;
        } finally {
          lock.unlock();
        }
      }
    });
    drain();
  }

  /** Queues one envelope; ignored once the body has ended. */
  void offer(ByteBuffer envelope) {
    lock.lock();
    try {
      if (complete || terminated || failure != null) {
        return;
      }
      queue.add(envelope);
      queuedBytes += envelope.remaining();
    } finally {
      lock.unlock();
    }
    drain();
  }

  /** {@return whether fewer than {@link #READY_BYTES} bytes wait} A false answer arms {@code onReady}. */
  boolean isReady() {
    lock.lock();
    try {
      boolean ready = queuedBytes < READY_BYTES && !terminated;
      if (!ready) {
        notReadyReported = true;
      }
      return ready;
    } finally {
      lock.unlock();
    }
  }

  /** No more envelopes: the body ends once the queued ones are taken. Idempotent. */
  void complete() {
    lock.lock();
    try {
      complete = true;
    } finally {
      lock.unlock();
    }
    drain();
  }

  /** Ends the body with {@code cause}, so the HTTP client aborts the exchange; queued envelopes are dropped. */
  void fail(Throwable cause) {
    lock.lock();
    try {
      if (failure == null && !terminated) {
        failure = cause;
        queue.clear();
        queuedBytes = 0;
      }
    } finally {
      lock.unlock();
    }
    drain();
  }

  private void drain() {
    lock.lock();
    try {
      if (draining || subscriber == null) {
        return;
      }
      draining = true;
    } finally {
      lock.unlock();
    }
    while (true) {
      ByteBuffer next = null;
      Throwable error = null;
      boolean done = false;
      boolean ready = false;
      Flow.Subscriber<? super ByteBuffer> s;
      lock.lock();
      try {
        s = subscriber;
        if (terminated) {
          draining = false;
          return;
        }
        if (failure != null) {
          error = failure;
          terminated = true;
        } else if (demand > 0 && !queue.isEmpty()) {
          next = queue.poll();
          demand--;
          queuedBytes -= next.remaining();
          if (notReadyReported && queuedBytes < READY_BYTES) {
            notReadyReported = false;
            ready = true;
          }
        } else if (complete && queue.isEmpty()) {
          done = true;
          terminated = true;
        } else {
          draining = false;
          return;
        }
      } finally {
        lock.unlock();
      }
      if (error != null) {
        s.onError(error);
      } else if (done) {
        s.onComplete();
      } else {
        s.onNext(next);
        if (ready) {
          onReady.run();
        }
      }
    }
  }
}
