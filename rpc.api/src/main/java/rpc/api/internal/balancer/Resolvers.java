package rpc.api.internal.balancer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import rpc.api.spi.NameResolver;
import rpc.api.spi.NameResolverProvider;
import rpc.api.spi.Target;

/**
 * Finds the {@link NameResolverProvider} for a target: one given to the channel, else one found
 * with {@link java.util.ServiceLoader} ranked above the built-ins, else the built-in one. Thread-safe.
 */
public final class Resolvers {
  /** The schemes of the built-in resolvers. */
  static final Set<String> BUILT_IN_SCHEMES = Set.of("dns", "http", "https", "ipv4", "ipv6", "unix");
  private static final NameResolverProvider BUILT_IN = new BuiltIn();
  private static volatile List<NameResolverProvider> loaded;

  private Resolvers() {}

  /**
   * The provider for {@code scheme}, or null if none resolves it.
   *
   * @param channelProviders providers given to the channel, which win
   */
  public static NameResolverProvider find(String scheme, List<NameResolverProvider> channelProviders) {
    for (NameResolverProvider p : channelProviders) {
      if (p.schemes().contains(scheme)) {
        return p;
      }
    }
    for (NameResolverProvider p : loaded()) {
      if (p.schemes().contains(scheme) && (p.priority() > 0 || !BUILT_IN_SCHEMES.contains(scheme))) {
        return p;
      }
    }
    return BUILT_IN_SCHEMES.contains(scheme) ? BUILT_IN : null;
  }

  private static List<NameResolverProvider> loaded() {
    List<NameResolverProvider> list = loaded;
    if (list == null) {
      List<NameResolverProvider> found = rpc.api.internal.Providers.load(NameResolverProvider.class);
      found.sort(Comparator.comparingInt(NameResolverProvider::priority).reversed());
      list = List.copyOf(found);
      loaded = list;
    }
    return list;
  }

  /** The built-in resolvers, as grpc's {@code doc/naming.md} defines their targets. */
  private static final class BuiltIn implements NameResolverProvider {
    @Override
    public Set<String> schemes() {
      return BUILT_IN_SCHEMES;
    }

    @Override
    public NameResolver newNameResolver(Target target, int defaultPort) {
      return switch (target.scheme()) {
        case "unix" -> new FixedResolver(List.of(UnixDomainSocketAddress.of(target.authority())));
        case "ipv4", "ipv6" -> new FixedResolver(literalList(target, defaultPort));
        default -> {
          String host = target.host();
          if (host.isEmpty()) {
            throw new IllegalArgumentException("target " + target.text() + " names no host");
          }
          yield new DnsResolver(host, target.port(defaultPort)); // checks the port now
        }
      };
    }

    /** {@code ipv4:1.2.3.4[:port][,...]} and {@code ipv6:[::1]:port,::2}: literals only, no lookups. */
    private static List<SocketAddress> literalList(Target target, int defaultPort) {
      boolean v6 = target.scheme().equals("ipv6");
      List<SocketAddress> out = new ArrayList<>();
      for (String part : target.authority().split(",", -1)) {
        String p = part.strip();
        if (p.isEmpty()) {
          throw new IllegalArgumentException("empty address in target " + target.text());
        }
        String host;
        int port = defaultPort;
        if (v6) {
          if (p.startsWith("[")) {
            Target one = new Target("ipv6", p, target.text());
            host = one.host();
            port = one.port(defaultPort);
          } else {
            host = p; // a bare IPv6 literal has colons of its own and no port
          }
        } else {
          Target one = new Target("ipv4", p, target.text());
          host = one.host();
          port = one.port(defaultPort);
        }
        if (!(v6 ? isIpv6Literal(host) : isIpv4Literal(host))) {
          throw new IllegalArgumentException("'" + p + "' in target " + target.text() + " is not an "
              + (v6 ? "IPv6" : "IPv4") + " address" + (v6 ? " (write [addr]:port with a port)" : ""));
        }
        try {
          out.add(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
          throw new IllegalArgumentException("'" + p + "' in target " + target.text() + ": " + e.getMessage(), e);
        }
      }
      return out;
    }

    private static boolean isIpv4Literal(String s) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return false;
      }
      for (String part : parts) {
        if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
            || Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }

    private static boolean isIpv6Literal(String s) {
      // getByName never looks a literal up; anything else here must not reach the resolver.
      return s.contains(":") && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%');
    }
  }
}
