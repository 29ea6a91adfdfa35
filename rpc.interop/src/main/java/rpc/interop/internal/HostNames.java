package rpc.interop.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Whether a certificate's subject alternative names cover a host. Thread-safe (stateless). */
final class HostNames {
  private static final int DNS = 2;
  private static final int IP = 7;

  private HostNames() {}

  /**
   * Whether {@code cert} names {@code host}: an IP literal must equal an IP entry; a name must
   * equal a DNS entry (case-insensitive) or match a wildcard entry in its first label only.
   */
  static boolean matches(X509Certificate cert, String host) {
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (names == null) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean ip = isIpLiteral(h);
    for (List<?> entry : names) {
      int type = (Integer) entry.get(0);
      String value = String.valueOf(entry.get(1));
      if (ip && type == IP && sameAddress(value, h)) {
        return true;
      }
      if (!ip && type == DNS && dnsMatches(value.toLowerCase(Locale.ROOT), h.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isIpLiteral(String h) {
    return h.contains(":") || h.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  private static boolean sameAddress(String a, String b) {
    try {
      // both are literals, so this parses and never looks anything up
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean dnsMatches(String pattern, String host) {
    if (!pattern.startsWith("*.")) {
      return pattern.equals(host);
    }
    int dot = host.indexOf('.');
    return dot > 0 && host.substring(dot).equals(pattern.substring(1));
  }
}
