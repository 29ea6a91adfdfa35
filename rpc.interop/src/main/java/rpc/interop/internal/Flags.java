package rpc.interop.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags in the form the gRPC interop programs of every language accept:
 * {@code --name=value}, {@code --name value}, and for booleans a bare {@code --name}.
 *
 * <p>Not thread-safe; parse once on the main thread.
 */
public final class Flags {
  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code args}.
   *
   * @param known the flag names accepted
   * @param booleans the subset of {@code known} that may stand alone (meaning true)
   * @throws IllegalArgumentException naming the first unknown or malformed argument
   */
  public static Flags parse(String[] args, Set<String> known, Set<String> booleans) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "': flags look like --name=value");
      }
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (eq >= 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        name = arg.substring(2);
        boolean hasNext = i + 1 < args.length && !args[i + 1].startsWith("--");
        if (booleans.contains(name) && !(hasNext && isBooleanText(args[i + 1]))) {
          value = "true";
        } else if (hasNext) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException("flag --" + name + " needs a value");
        }
      }
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name + "; known flags: --"
            + String.join(", --", known.stream().sorted().toList()));
      }
      values.put(name, value);
    }
    return new Flags(values);
  }

  private static boolean isBooleanText(String s) {
    return List.of("true", "false").contains(s.toLowerCase(Locale.ROOT));
  }

  /** The value of {@code name}, or {@code fallback} when it was not given. */
  public String string(String name, String fallback) {
    String v = values.get(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  /** The value of {@code name} as an int, or {@code fallback}. */
  public int integer(String name, int fallback) {
    String v = values.get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, not '" + v + "'");
    }
  }

  /** The value of {@code name} as a boolean ({@code true}/{@code false}), or {@code fallback}. */
  public boolean bool(String name, boolean fallback) {
    String v = values.get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("--" + name + " must be true or false, not '" + v + "'");
    };
  }
}
