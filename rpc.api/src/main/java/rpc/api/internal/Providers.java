package rpc.api.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the implementations of a service interface with {@link ServiceLoader}, the one way every
 * pluggable part of rpc is found (transports, name resolvers, load balancers). Thread-safe
 * (stateless).
 */
public final class Providers {
  private Providers() {}

  /**
   * Every provider of {@code type}: those the module layer sees (module path), then those the
   * context class loader sees (class path), each class once. A provider that fails to load is
   * skipped so that it cannot hide the others.
   *
   * @param <T> the service type
   * @param type the service interface
   * @return the providers found, in the order found
   */
  public static <T> List<T> load(Class<T> type) {
    List<T> found = new ArrayList<>();
    addAll(found, ServiceLoader.load(type));
    addAll(found, ServiceLoader.load(type, Providers.class.getClassLoader()));
    return found;
  }

  private static <T> void addAll(List<T> into, ServiceLoader<T> loader) {
    var it = loader.iterator();
    while (true) {
      T p;
      try {
        if (!it.hasNext()) {
          return;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        continue; // a broken provider must not hide the others
      }
      if (into.stream().noneMatch(q -> q.getClass() == p.getClass())) {
        into.add(p);
      }
    }
  }
}
