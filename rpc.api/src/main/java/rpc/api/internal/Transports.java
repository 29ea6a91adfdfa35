package rpc.api.internal;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import rpc.api.spi.Target;
import rpc.api.spi.TransportProvider;

/** Finds transport providers with ServiceLoader and picks one for a target. Thread-safe. */
public final class Transports {
  private static volatile List<TransportProvider> cached;
  /** Schemes rpc's own transports serve: never read as a host name, so the error names the module. */
  private static final java.util.Set<String> OWN_SCHEMES = java.util.Set.of("inprocess", "unix", "dns", "http", "https");

  private Transports() {}

  /** Every provider found, available or not. */
  public static List<TransportProvider> all() {
    List<TransportProvider> list = cached;
    if (list == null) {
      list = load();
      cached = list;
    }
    return list;
  }

  private static List<TransportProvider> load() {
    List<TransportProvider> found = Providers.load(TransportProvider.class);
    found.sort(Comparator.comparingInt(TransportProvider::priority).reversed());
    return List.copyOf(found);
  }

  /**
   * A provider and the target it serves: the target as given, or read again as {@code host:port}
   * when its "scheme" is no scheme any provider serves ({@code localhost:abc}).
   *
   * @param provider the transport provider
   * @param target the target to hand it
   */
  public record Selection(TransportProvider provider, Target target) {}

  /**
   * Refuses option keys {@code provider} does not read ({@code known}): a misspelled key would
   * otherwise change nothing, silently.
   *
   * @param side {@code "channel"} or {@code "server"}, for the message
   * @throws IllegalArgumentException naming the unknown keys and the known ones
   */
  public static void checkOptionKeys(TransportProvider provider, String side, java.util.Set<String> known,
      java.util.Map<String, String> options) {
    List<String> unknown = options.keySet().stream().filter(k -> !known.contains(k)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown " + (unknown.size() == 1 ? "option " : "options ") + unknown
          + " for a " + side + " on the " + provider.name() + " transport; "
          + (known.isEmpty() ? "it reads none" : "it reads " + known.stream().sorted().toList()));
    }
  }

  /**
   * The provider for {@code target}: by {@code explicitName} when given, otherwise the available
   * provider with the highest priority serving the target's scheme. A text like {@code name:port}
   * whose {@code name} no provider serves as a scheme is read as the address {@code name:port}
   * (as grpc does), so that its port is checked and reported, not its "scheme".
   *
   * @throws IllegalArgumentException naming the target, the providers found and the module to add
   */
  public static Selection select(Target target, String explicitName) {
    TransportProvider p = find(target.scheme(), explicitName);
    if (p != null) {
      return new Selection(p, target);
    }
    if (explicitName == null && !target.text().contains("/") && !OWN_SCHEMES.contains(target.scheme())) {
      TransportProvider dns = find("dns", null);
      if (dns != null) {
        return new Selection(dns, new Target("dns", target.text().strip(), target.text()));
      }
    }
    List<TransportProvider> all = all();
    String found = all.isEmpty() ? "none" : all.stream()
        .map(q -> q.name() + " " + q.schemes() + (q.isAvailable() ? "" : " (unavailable)"))
        .collect(Collectors.joining(", "));
    String want = explicitName != null ? "transport '" + explicitName + "'" : "scheme '" + target.scheme() + "'";
    throw new IllegalArgumentException("no transport for target '" + target.text() + "' (" + want
        + "); transports found: " + found + ". Add " + moduleHint(target, explicitName)
        + " to the module path or class path.");
  }

  /**
   * Whether {@code provider} connects to resolved socket addresses
   * ({@link rpc.api.spi.ClientTransportConfig#address()}): a network transport, one that serves
   * {@code dns} or {@code unix} targets.
   */
  public static boolean acceptsAddresses(TransportProvider provider) {
    return provider.schemes().contains("dns") || provider.schemes().contains("unix");
  }

  /**
   * The transport for the addresses a name resolver gives for {@code target}: by
   * {@code explicitName} when given, else one serving the target's scheme, else (a scheme only a
   * resolver knows, such as {@code ipv4}) the network transport serving {@code dns} ({@code unix}
   * for unix targets). Null when the transport named explicitly does not take addresses (the
   * channel then hands it the target as it is).
   *
   * @throws IllegalArgumentException naming the target, the providers found and the module to add
   */
  public static TransportProvider selectForAddresses(Target target, String explicitName) {
    if (explicitName != null) {
      TransportProvider p = select(target, explicitName).provider();
      return acceptsAddresses(p) ? p : null;
    }
    String scheme = target.scheme();
    TransportProvider p = find(scheme, null);
    if (p != null && acceptsAddresses(p)) {
      return p;
    }
    String network = scheme.equals("unix") ? "unix" : "dns";
    p = find(network, null);
    if (p != null) {
      return p;
    }
    return select(new Target(network, target.authority(), target.text()), null).provider(); // throws, naming what is missing
  }

  private static TransportProvider find(String scheme, String explicitName) {
    for (TransportProvider p : all()) {
      if (explicitName != null ? p.name().equals(explicitName) : p.schemes().contains(scheme)) {
        if (p.isAvailable()) {
          return p;
        }
      }
    }
    return null;
  }

  private static String moduleHint(Target target, String explicitName) {
    String key = explicitName != null ? explicitName : target.scheme();
    return switch (key) {
      case "inprocess" -> "the module rpc.transport.inprocess (artifact dev.rpc:rpc.transport.inprocess)";
      case "jetty", "dns", "http", "https" -> "the module rpc.transport.jetty (artifact dev.rpc:rpc.transport.jetty)";
      case "unix" -> "the module rpc.transport.jetty (artifact dev.rpc:rpc.transport.jetty), which serves Unix"
          + " domain sockets";
      default -> "a module that provides rpc.api.spi.TransportProvider for '" + key + "'";
    };
  }
}
