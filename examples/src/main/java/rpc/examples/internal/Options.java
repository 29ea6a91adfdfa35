package rpc.examples.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command line of an example: {@code --transport jetty|inprocess}, {@code --target HOST:PORT}
 * (use a running server instead of starting one), {@code --port P}, {@code --otel} (OpenTelemetry
 * metrics and spans, printed at the end) and {@code --server-only} (just
 * serve), plus numeric options of the example itself. Values follow their flag, or {@code =}.
 *
 * <p>Immutable.
 */
public final class Options {
  /** The network transport, HTTP/2 over TCP. */
  public static final String JETTY = "jetty";
  /** The same-JVM transport. */
  public static final String INPROCESS = "inprocess";

  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /**
   * Parses {@code args}.
   *
   * @param numeric the example's own numeric options with their defaults, such as {@code threads}
   * @throws IllegalArgumentException naming an unknown or malformed argument
   */
  public static Options parse(String[] args, Map<String, Integer> numeric) {
    Set<String> known = new TreeSet<>(Set.of("transport", "target", "port", "server-only", "otel"));
    known.addAll(numeric.keySet());
    Map<String, String> values = new HashMap<>();
    numeric.forEach((k, v) -> values.put(k, Integer.toString(v)));
    values.put("transport", JETTY);
    values.put("port", "0");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      int eq = a.indexOf('=');
      String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + " (known: --" + String.join(", --", known) + ")");
      }
      if (name.equals("server-only") || name.equals("otel")) {
        values.put(name, eq < 0 ? "true" : a.substring(eq + 1));
        continue;
      }
      String value;
      if (eq >= 0) {
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
      if (!name.equals("transport") && !name.equals("target")) {
        try {
          Integer.parseInt(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--" + name + " must be a number, not '" + value + "'");
        }
      }
      values.put(name, value);
    }
    String transport = values.get("transport");
    if (!transport.equals(JETTY) && !transport.equals(INPROCESS)) {
      throw new IllegalArgumentException("--transport must be jetty or inprocess, not '" + transport + "'");
    }
    return new Options(values);
  }

  /** {@link #JETTY} (the default) or {@link #INPROCESS}. */
  public String transport() {
    return values.get("transport");
  }

  /** The server to call, or null to start one in this process. */
  public String target() {
    return values.get("target");
  }

  /** The port the example's own server listens on (0, the default, picks a free one). */
  public int port() {
    return number("port");
  }

  /** Whether to run only the server, until the process is stopped. */
  public boolean serverOnly() {
    return Boolean.parseBoolean(values.getOrDefault("server-only", "false"));
  }

  /** Whether {@code --otel} asks for OpenTelemetry metrics and spans, printed by the logging exporter. */
  public boolean otel() {
    return Boolean.parseBoolean(values.getOrDefault("otel", "false"));
  }

  /** The value of one of the example's numeric options. */
  public int number(String name) {
    return Integer.parseInt(values.get(name));
  }
}
