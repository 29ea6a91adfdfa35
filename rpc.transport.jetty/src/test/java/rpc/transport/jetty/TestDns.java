package rpc.transport.jetty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The JVM's name resolver for this module's tests: names ending in {@code .rpc-test} resolve to
 * the addresses a test registers; every other name goes to the JDK's own resolver. Installed
 * through {@code META-INF/services/java.net.spi.InetAddressResolverProvider}, so the channel's
 * real {@code dns} path runs without touching the system's DNS. Thread-safe.
 */
public final class TestDns extends InetAddressResolverProvider {
  private static final Map<String, List<InetAddress>> NAMES = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> LOOKUPS = new ConcurrentHashMap<>();

  /** Makes {@code name} (ending in {@code .rpc-test}) resolve to {@code addresses} (literals), replacing what it had. */
  static void register(String name, String... addresses) {
    if (!name.endsWith(".rpc-test")) {
      throw new IllegalArgumentException("test names end in .rpc-test: " + name);
    }
    NAMES.put(name, Stream.of(addresses).map(a -> {
      try {
        return InetAddress.getByName(a); // a literal: no lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(e);
      }
    }).toList());
  }

  /** Makes {@code name} unknown. */
  static void unregister(String name) {
    NAMES.remove(name);
  }

  /** {@return how many times {@code name} was looked up} */
  static int lookups(String name) {
    AtomicInteger n = LOOKUPS.get(name);
    return n == null ? 0 : n.get();
  }

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver system = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        if (!host.endsWith(".rpc-test")) {
          return system.lookupByName(host, policy);
        }
        LOOKUPS.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        List<InetAddress> found = NAMES.get(host);
        if (found == null) {
          throw new UnknownHostException(host + " (not registered by the test)");
        }
        return found.stream();
      }

      @Override
      public String lookupByAddress(byte[] addr) throws UnknownHostException {
        return system.lookupByAddress(addr);
      }
    };
  }

  @Override
  public String name() {
    return "rpc-test-dns";
  }
}
