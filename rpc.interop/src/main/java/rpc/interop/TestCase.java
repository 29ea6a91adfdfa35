package rpc.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The interop test cases the client runs, named as in grpc's {@code doc/interop-test-descriptions.md}
 * ({@link #id()} is the lower-case name used on the command line).
 * Immutable.
 */
public enum TestCase {
  /** EmptyCall with an empty message. */
  EMPTY_UNARY,
  /** UnaryCall with 271828 bytes in, 314159 bytes out. */
  LARGE_UNARY,
  /** The feature probe, then a gzip-compressed and an uncompressed UnaryCall. */
  CLIENT_COMPRESSED_UNARY,
  /** UnaryCalls asking for a compressed and an uncompressed response. */
  SERVER_COMPRESSED_UNARY,
  /** StreamingInputCall with four requests; the server adds up their sizes. */
  CLIENT_STREAMING,
  /** The feature probe, then a gzip-compressed StreamingInputCall. */
  CLIENT_COMPRESSED_STREAMING,
  /** StreamingOutputCall with four responses of given sizes. */
  SERVER_STREAMING,
  /** StreamingOutputCall asking for a compressed and an uncompressed response. */
  SERVER_COMPRESSED_STREAMING,
  /** FullDuplexCall: four requests, each answered before the next is sent. */
  PING_PONG,
  /** FullDuplexCall with no messages either way. */
  EMPTY_STREAM,
  /** Initial and trailing metadata echoed on UnaryCall and FullDuplexCall. */
  CUSTOM_METADATA,
  /** A status code and message echoed on UnaryCall and FullDuplexCall. */
  STATUS_CODE_AND_MESSAGE,
  /** A status message with whitespace and non-ASCII characters echoed intact. */
  SPECIAL_STATUS_MESSAGE,
  /** TestService/UnimplementedCall fails with UNIMPLEMENTED. */
  UNIMPLEMENTED_METHOD,
  /** UnimplementedService/UnimplementedCall fails with UNIMPLEMENTED. */
  UNIMPLEMENTED_SERVICE,
  /** StreamingInputCall cancelled before any message: CANCELLED. */
  CANCEL_AFTER_BEGIN,
  /** FullDuplexCall cancelled after its first response: CANCELLED. */
  CANCEL_AFTER_FIRST_RESPONSE,
  /** FullDuplexCall with a 1 ms timeout: DEADLINE_EXCEEDED. */
  TIMEOUT_ON_SLEEPING_SERVER,
  /** Many large_unary calls at once on one channel, from many threads. */
  CONCURRENT_LARGE_UNARY;

  /** The name used on the command line and in reports, such as {@code empty_unary}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The case with this id.
   *
   * @throws IllegalArgumentException naming the known cases if there is none
   */
  public static TestCase of(String id) {
    for (TestCase c : values()) {
      if (c.id().equals(id.strip().toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown test case '" + id + "'; known: all, "
        + String.join(", ", Arrays.stream(values()).map(TestCase::id).toList()));
  }

  /**
   * The cases of a comma-separated list of ids, in the order given and without repeats;
   * {@code all} stands for every case.
   *
   * @throws IllegalArgumentException if an id is unknown or the list is empty
   */
  public static List<TestCase> parseList(String ids) {
    Set<TestCase> out = new LinkedHashSet<>();
    for (String id : ids.split(",")) {
      if (id.isBlank()) {
        continue;
      }
      if (id.strip().equalsIgnoreCase("all")) {
        out.addAll(Arrays.asList(values()));
      } else {
        out.add(of(id));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no test case given");
    }
    return new ArrayList<>(out);
  }
}
