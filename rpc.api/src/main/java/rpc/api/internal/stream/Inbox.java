package rpc.api.internal.stream;

import java.util.Arrays;

/**
 * The messages a stream has received and the application has not taken yet, with the bytes they
 * count for: a ring buffer, so holding a message costs no allocation of its own.
 * Not thread-safe: the owning {@link BlockingStream} uses it under its lock.
 */
final class Inbox<T> {
  private static final Inbox<?> EMPTY = new Inbox<>(0);

  private Object[] items;
  private int[] sizes; // negative: the message arrived compressed (size is -size - 1)
  private int head;
  private int count;
  private long bytes;

  private boolean lastCompressed;

  Inbox() {
    this(8);
  }

  private Inbox(int capacity) {
    items = new Object[capacity];
    sizes = new int[capacity];
  }

  /** A shared inbox that is always empty and must never be added to (see {@link #isShared}). */
  @SuppressWarnings("unchecked")
  static <T> Inbox<T> empty() {
    return (Inbox<T>) EMPTY;
  }

  /** Whether this is the shared {@link #empty} inbox. */
  boolean isShared() {
    return this == EMPTY;
  }

  /** How many messages are held. */
  int size() {
    return count;
  }

  void add(T item, int size, boolean compressed) {
    if (count == items.length) {
      grow();
    }
    int i = (head + count) & (items.length - 1);
    items[i] = item;
    sizes[i] = compressed ? -size - 1 : size;
    count++;
    bytes += size;
  }

  @SuppressWarnings("unchecked")
  T poll() {
    if (count == 0) {
      return null;
    }
    T item = (T) items[head];
    items[head] = null;
    int size = sizes[head];
    lastCompressed = size < 0;
    bytes -= size < 0 ? -size - 1 : size;
    head = (head + 1) & (items.length - 1);
    count--;
    return item;
  }

  /** {@return whether the message the last {@link #poll} returned arrived compressed} */
  boolean lastCompressed() {
    return lastCompressed;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** What the held messages count for, in bytes. */
  long bytes() {
    return bytes;
  }

  void clear() {
    Arrays.fill(items, null);
    head = 0;
    count = 0;
    bytes = 0;
  }

  private void grow() {
    int n = items.length;
    Object[] newItems = new Object[n * 2];
    int[] newSizes = new int[n * 2];
    for (int i = 0; i < count; i++) {
      int from = (head + i) & (n - 1);
      newItems[i] = items[from];
      newSizes[i] = sizes[from];
    }
    items = newItems;
    sizes = newSizes;
    head = 0;
  }
}
