package rpc.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of the cross-process mains ({@link CrossServer},
 * {@link CrossClient}, {@link UnaryRequestBody}). An unknown or incomplete option ends the program
 * with the usage text and exit status 2, so a mistyped script fails at once instead of measuring
 * something else.
 *
 * <p>Immutable once parsed.
 */
final class CommandLine {
  private final String usage;
  private final Map<String, String> values;

  private CommandLine(String usage, Map<String, String> values) {
    this.usage = usage;
    this.values = values;
  }

  /** Parses {@code args}, which may name only {@code known} options, each followed by its value. */
  static CommandLine parse(String[] args, String usage, Set<String> known) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!known.contains(name) || i + 1 >= args.length) {
        exit(usage, (known.contains(name) ? "no value after " : "unknown option ") + args[i]);
      }
      values.put(name, args[i + 1]);
    }
    return new CommandLine(usage, values);
  }

  /** The value of {@code name}; ends the program if it was not given. */
  String string(String name) {
    String value = values.get(name);
    if (value == null) {
      exit(usage, "missing --" + name);
    }
    return value;
  }

  /** The value of {@code name} as a number in {@code [min, max]}, or {@code fallback} if not given. */
  int integer(String name, int fallback, int min, int max) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    exit(usage, "--" + name + " must be a whole number from " + min + " to " + max + ": " + value);
    return fallback; // not reached
  }

  /** {@code --impl}: one of {@link BenchService#NETWORK_IMPLEMENTATIONS}. */
  String networkImpl() {
    String impl = string("impl");
    if (!BenchService.NETWORK_IMPLEMENTATIONS.contains(impl)) {
      exit(usage, "--impl must be one of " + BenchService.NETWORK_IMPLEMENTATIONS
          + " (in-process implementations have no port): " + impl);
    }
    return impl;
  }

  private static void exit(String usage, String problem) {
    System.err.println(problem);
    System.err.println("usage: " + usage);
    System.exit(2);
  }
}
