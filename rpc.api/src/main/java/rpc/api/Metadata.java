package rpc.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Headers or trailers of a call: an ordered multimap from lower-case keys to values.
 * Not thread-safe: confine an instance to one thread or copy it ({@link #copy()}). The library
 * copies metadata when it crosses between threads.
 *
 * <p>Keys are ASCII, made of {@code 0-9 a-z _ - .} (upper-case letters are lower-cased). Keys
 * ending in {@value #BINARY_SUFFIX} hold binary values ({@link #putBinary}); all other keys hold
 * printable ASCII strings (0x20–0x7E) that neither start nor end with a space, as HTTP/2 requires.
 * Invalid keys or values throw
 * {@link IllegalArgumentException}. Keys with the {@code grpc-} prefix and the HTTP/2 headers the
 * protocol owns ({@code content-type}, {@code te}, {@code user-agent}, …) are reserved: transports
 * do not send them as custom metadata. The exception is {@code grpc-status-details-bin}, the rich
 * error model's trailer, which the application sets (see the {@code rpc.status} module).
 */
public final class Metadata {

  /** The suffix of keys whose values are binary (sent base64-encoded on HTTP/2). */
  public static final String BINARY_SUFFIX = "-bin";

  // Empty until the first entry: most calls carry no custom metadata, so an empty instance costs
  // no lists.
  private List<String> keys = List.of();
  private List<Object> values = List.of(); // String or byte[]

  /** An empty metadata. */
  public Metadata() {}

  private Metadata(Metadata other) {
    if (!other.keys.isEmpty()) {
      keys = new ArrayList<>(other.keys);
      values = new ArrayList<>(other.values.size());
      for (Object v : other.values) {
        values.add(v instanceof byte[] b ? b.clone() : v);
      }
    }
  }

  private void add(String key, Object value) {
    if (keys.isEmpty() && !(keys instanceof ArrayList)) {
      keys = new ArrayList<>(4);
      values = new ArrayList<>(4);
    }
    keys.add(key);
    values.add(value);
  }

  /**
   * Whether {@code key} names a binary entry (it ends in {@value #BINARY_SUFFIX}).
   *
   * @param key a key
   * @return true for a binary key
   */
  public static boolean isBinaryKey(String key) {
    return key.endsWith(BINARY_SUFFIX);
  }

  /**
   * Checks and normalizes a key: returns it lower-cased.
   *
   * @param key the key to check
   * @return the key in lower case
   * @throws IllegalArgumentException if the key is empty or has characters outside
   *     {@code 0-9 a-z _ - .}
   */
  public static String validateKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("metadata key is empty");
    }
    String k = key.toLowerCase(java.util.Locale.ROOT);
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!ok) {
        throw new IllegalArgumentException("metadata key '" + key + "' has an invalid character at index " + i
            + " (allowed: 0-9 a-z _ - .)");
      }
    }
    return k;
  }

  /**
   * Whether every character of {@code value} is printable ASCII (0x20–0x7E).
   *
   * @param value the value to check
   * @return true if it may be sent as an ASCII value
   */
  public static boolean isValidAsciiValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds an ASCII entry.
   *
   * @param key an ASCII key
   * @param value the value
   * @return this metadata
   * @throws IllegalArgumentException if the key is invalid, is a binary key, or the value is not
   *     printable ASCII or starts or ends with a space
   */
  public Metadata put(String key, String value) {
    String k = validateKey(key);
    Objects.requireNonNull(value, "value");
    if (isBinaryKey(k)) {
      throw new IllegalArgumentException("key '" + k + "' is binary: use putBinary");
    }
    if (!isValidAsciiValue(value)) {
      throw new IllegalArgumentException("value for '" + k + "' is not printable ASCII");
    }
    if (!value.isEmpty() && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ')) {
      throw new IllegalArgumentException("value for '" + k + "' starts or ends with a space, which HTTP/2 does not"
          + " allow in a header (RFC 9113 section 8.2.1)");
    }
    add(k, value);
    return this;
  }

  /**
   * Adds a binary entry (the array is copied).
   *
   * @param key a binary key
   * @param value the value
   * @return this metadata
   * @throws IllegalArgumentException if the key is invalid or does not end in {@value #BINARY_SUFFIX}
   */
  public Metadata putBinary(String key, byte[] value) {
    String k = validateKey(key);
    Objects.requireNonNull(value, "value");
    if (!isBinaryKey(k)) {
      throw new IllegalArgumentException("binary key '" + k + "' must end in " + BINARY_SUFFIX);
    }
    add(k, value.clone());
    return this;
  }

  /**
   * The last ASCII value for {@code key}, or null.
   *
   * @param key the key
   * @return the last value, or null if there is none
   */
  public String get(String key) {
    String k = validateKey(key);
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(k) && values.get(i) instanceof String s) {
        return s;
      }
    }
    return null;
  }

  /**
   * All ASCII values for {@code key} in insertion order (possibly empty).
   *
   * @param key the key
   * @return the values
   */
  public List<String> getAll(String key) {
    String k = validateKey(key);
    List<String> out = new ArrayList<>(1);
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equals(k) && values.get(i) instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * A copy of the last binary value for {@code key}, or null.
   *
   * @param key a binary key
   * @return a copy of the last value, or null if there is none
   */
  public byte[] getBinary(String key) {
    String k = validateKey(key);
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(k) && values.get(i) instanceof byte[] b) {
        return b.clone();
      }
    }
    return null;
  }

  /**
   * Copies of all binary values for {@code key} in insertion order (possibly empty).
   *
   * @param key a binary key
   * @return copies of the values
   */
  public List<byte[]> getAllBinary(String key) {
    String k = validateKey(key);
    List<byte[]> out = new ArrayList<>(1);
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).equals(k) && values.get(i) instanceof byte[] b) {
        out.add(b.clone());
      }
    }
    return out;
  }

  /**
   * Whether there is at least one entry for {@code key}.
   *
   * @param key the key
   * @return true if {@code key} has an entry
   */
  public boolean containsKey(String key) {
    return keys.contains(validateKey(key));
  }

  /** {@return the distinct keys, in first-insertion order} */
  public Set<String> keys() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(keys));
  }

  /**
   * Removes every entry for {@code key}; returns whether any was removed.
   *
   * @param key the key
   * @return true if an entry was removed
   */
  public boolean removeAll(String key) {
    String k = validateKey(key);
    boolean removed = false;
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).equals(k)) {
        keys.remove(i);
        values.remove(i);
        removed = true;
      }
    }
    return removed;
  }

  /**
   * Appends every entry of {@code other} to this metadata.
   *
   * @param other the entries to append
   * @return this metadata
   */
  public Metadata merge(Metadata other) {
    for (int i = 0; i < other.keys.size(); i++) {
      Object v = other.values.get(i);
      add(other.keys.get(i), v instanceof byte[] b ? b.clone() : v);
    }
    return this;
  }

  /** {@return the number of entries (not distinct keys)} */
  public int size() {
    return keys.size();
  }

  /** {@return whether there are no entries} */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * A deep copy.
   *
   * @return a new metadata with the same entries
   */
  public Metadata copy() {
    return new Metadata(this);
  }

  /**
   * Visits every entry in order; {@code value} is a {@link String} for ASCII keys and a
   * {@code byte[]} (not copied: do not modify it) for binary keys. For transports.
   *
   * @param action called with each key and value
   */
  public void forEach(java.util.function.BiConsumer<String, Object> action) {
    for (int i = 0; i < keys.size(); i++) {
      action.accept(keys.get(i), values.get(i));
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Metadata{");
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object v = values.get(i);
      sb.append(keys.get(i)).append('=').append(v instanceof byte[] b ? Arrays.toString(b) : v);
    }
    return sb.append('}').toString();
  }
}
