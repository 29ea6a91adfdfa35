package rpc.api.internal.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import rpc.api.spi.LoadBalancerProvider;

/** Finds a load-balancing policy by name: the built-in ones, then those found with ServiceLoader. Thread-safe. */
public final class Balancers {
  /** The default policy, as in gRPC. */
  public static final String DEFAULT = PickFirst.NAME;
  private static final List<LoadBalancerProvider> BUILT_IN = List.of(
      new BuiltIn(PickFirst.NAME, PickFirst::new), new BuiltIn(RoundRobin.NAME, RoundRobin::new));
  private static volatile List<LoadBalancerProvider> loaded;

  private Balancers() {}

  /** A built-in policy: its name and its constructor. Immutable. */
  private record BuiltIn(String policy, java.util.function.Function<rpc.api.spi.LoadBalancer.Helper,
      rpc.api.spi.LoadBalancer> factory) implements LoadBalancerProvider {
    @Override
    public rpc.api.spi.LoadBalancer newLoadBalancer(rpc.api.spi.LoadBalancer.Helper helper) {
      return factory.apply(helper);
    }
  }

  /**
   * The provider of {@code policy}.
   *
   * @throws IllegalArgumentException naming the policies there are
   */
  public static LoadBalancerProvider find(String policy) {
    for (LoadBalancerProvider p : all()) {
      if (p.policy().equals(policy)) {
        return p;
      }
    }
    TreeSet<String> names = new TreeSet<>();
    all().forEach(p -> names.add(p.policy()));
    throw new IllegalArgumentException("unknown load-balancing policy '" + policy + "'; known: " + names
        + " (others come from modules that provide rpc.api.spi.LoadBalancerProvider)");
  }

  /** {@return the names of every policy available} */
  public static java.util.Set<String> names() {
    TreeSet<String> names = new TreeSet<>();
    all().forEach(p -> names.add(p.policy()));
    return names;
  }

  private static List<LoadBalancerProvider> all() {
    List<LoadBalancerProvider> list = loaded;
    if (list == null) {
      List<LoadBalancerProvider> found = new ArrayList<>(BUILT_IN);
      for (LoadBalancerProvider p : rpc.api.internal.Providers.load(LoadBalancerProvider.class)) {
        if (found.stream().noneMatch(q -> q.getClass() == p.getClass())) {
          found.add(p);
        }
      }
      list = List.copyOf(found);
      loaded = list;
    }
    return list;
  }
}
