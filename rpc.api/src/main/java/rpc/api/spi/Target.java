package rpc.api.spi;

import java.util.Objects;

/**
 * A parsed target or listen address: a scheme and what follows it.
 * Immutable. Forms: {@code inprocess:NAME}; {@code host:port}, {@code [::1]:port} and
 * {@code dns:///host:port} (scheme {@code dns}; a DNS server authority, {@code dns://8.8.8.8/...},
 * is refused); {@code http://host:port} and {@code https://host:port}; {@code unix:///path} and
 * {@code unix:path} (the authority is the socket path); {@code ipv4:addr[:port][,...]} and
 * {@code ipv6:[addr]:port[,...]}; {@code SCHEME:///endpoint} for a name resolver of that scheme
 * (the authority is the endpoint). A bare {@code host:port} means {@code dns}.
 *
 * @param scheme the scheme, lower case ({@code inprocess}, {@code dns}, {@code http}, {@code https})
 * @param authority {@code host:port} for network schemes, the name for {@code inprocess}
 * @param text the original text
 */
public record Target(String scheme, String authority, String text) {

  /** Checks for nulls. */
  public Target {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(text, "text");
  }

  /**
   * Parses a target.
   *
   * @param text the target as the application gave it
   * @return the parsed target
   * @throws IllegalArgumentException if the text is empty or malformed
   */
  public static Target parse(String text) {
    Objects.requireNonNull(text, "target");
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty target");
    }
    int colon = t.indexOf(':');
    if (colon > 0 && isScheme(t.substring(0, colon))) {
      String scheme = t.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
      String rest = t.substring(colon + 1);
      if (scheme.equals("unix")) {
        String path = rest.startsWith("//") ? rest.substring(2) : rest; // unix:///abs, unix:relative
        if (path.isEmpty()) {
          throw new IllegalArgumentException("unix target has no socket path: " + text);
        }
        return new Target(scheme, path, text);
      }
      if (rest.startsWith("//")) {
        String afterSlashes = rest.substring(2);
        int slash = afterSlashes.indexOf('/');
        String authority = slash < 0 ? afterSlashes : afterSlashes.substring(0, slash);
        if (scheme.equals("dns")) {
          if (!authority.isEmpty()) {
            // dns://SERVER/name asks a given DNS server; the JDK's resolver cannot.
            throw new IllegalArgumentException("target " + text + " names the DNS server '" + authority
                + "', which is not supported: use dns:///" + (slash < 0 ? "host:port" : afterSlashes.substring(slash + 1))
                + " to resolve with the system's resolver");
          }
          authority = slash < 0 ? "" : afterSlashes.substring(slash + 1); // dns:///host:port
        } else if (authority.isEmpty() && slash >= 0) {
          authority = afterSlashes.substring(slash + 1); // scheme:///endpoint, for a name resolver of that scheme
        }
        if (authority.isEmpty()) {
          throw new IllegalArgumentException("target has no authority: " + text);
        }
        return new Target(scheme, authority, text);
      }
      boolean looksLikePort = !rest.isEmpty() && rest.chars().allMatch(Character::isDigit);
      if (!looksLikePort || scheme.equals("inprocess")) {
        if (rest.isEmpty()) {
          throw new IllegalArgumentException("target has nothing after '" + scheme + ":': " + text);
        }
        return new Target(scheme, rest, text);
      }
    }
    return new Target("dns", t, text);
  }

  private static boolean isScheme(String s) {
    if (!Character.isLetter(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** {@return the host of a network authority ({@code ::1} without brackets)} */
  public String host() {
    String a = authority;
    if (a.startsWith("[")) {
      int end = a.indexOf(']');
      return end < 0 ? a : a.substring(1, end);
    }
    int colon = a.lastIndexOf(':');
    return colon < 0 ? a : a.substring(0, colon);
  }

  /**
   * The port of a network authority, or {@code defaultPort} when none is given.
   *
   * @param defaultPort the port to use when the target names none
   * @return the port
   * @throws IllegalArgumentException if the port is not a number in 0..65535
   */
  public int port(int defaultPort) {
    String a = authority;
    int close = a.startsWith("[") ? a.indexOf(']') : -1;
    int colon = a.lastIndexOf(':');
    if (colon < 0 || colon < close) {
      return defaultPort;
    }
    String port = a.substring(colon + 1);
    try {
      int p = Integer.parseInt(port);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid port '" + port + "' in target '" + text
          + "': expected host:port with a port number from 0 to 65535");
    }
  }
}
