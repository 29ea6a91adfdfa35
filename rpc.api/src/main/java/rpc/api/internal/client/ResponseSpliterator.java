package rpc.api.internal.client;

import java.util.Objects;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import rpc.api.ClientStream;

/**
 * The responses of a {@link ClientStream} as a {@link Spliterator}: each {@link #tryAdvance}
 * receives one message. Not thread-safe: a stream pipeline uses it from one thread at a time, and
 * the call's own receive guard refuses a second receiver.
 *
 * <p>It never splits. Splitting an unsized source means reading ahead into a batch (as
 * {@link java.util.Spliterators.AbstractSpliterator} does, up to thousands of elements), which
 * would buffer without bound what flow control now holds back at the sender.
 *
 * @param <Resp> the response type
 */
public final class ResponseSpliterator<Resp> implements Spliterator<Resp> {
  private final ClientStream<?, Resp> call;
  private boolean ended;

  private ResponseSpliterator(ClientStream<?, Resp> call) {
    this.call = Objects.requireNonNull(call, "call");
  }

  /**
   * A sequential stream of {@code call}'s responses whose {@code close()} closes {@code call}, as
   * {@link ClientStream#responses()} promises.
   */
  public static <Resp> Stream<Resp> stream(ClientStream<?, Resp> call) {
    return StreamSupport.stream(new ResponseSpliterator<>(call), false).onClose(call::close);
  }

  @Override
  public boolean tryAdvance(Consumer<? super Resp> action) {
    Objects.requireNonNull(action, "action");
    if (ended) {
      return false;
    }
    Resp response = call.receive();
    if (response == null) {
      ended = true;
      return false;
    }
    action.accept(response);
    return true;
  }

  @Override
  public Spliterator<Resp> trySplit() {
    return null;
  }

  @Override
  public long estimateSize() {
    return Long.MAX_VALUE;
  }

  @Override
  public int characteristics() {
    return ORDERED | NONNULL;
  }
}
