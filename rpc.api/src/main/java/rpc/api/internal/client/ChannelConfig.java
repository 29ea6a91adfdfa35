package rpc.api.internal.client;

import java.util.Map;
import rpc.api.internal.balancer.Balancers;
import rpc.api.internal.balancer.LoadBalancedTransport;
import rpc.api.internal.config.ServiceConfig;

/**
 * A channel's service config now: the default one it was built with, replaced by the one its
 * name resolver gives, if any; and the retry throttle that goes with it. Thread-safe: read on every
 * call, replaced from the channel's serial executor.
 */
final class ChannelConfig {
  private static final System.Logger LOG = System.getLogger("rpc.api.serviceconfig");

  private final ServiceConfig defaults;
  private final String defaultPolicy;
  private final String target;
  private volatile ServiceConfig current;
  private volatile RetriableCall.Throttle throttle;

  ChannelConfig(ServiceConfig defaults, String defaultPolicy, String target) {
    this.defaults = defaults;
    this.defaultPolicy = defaultPolicy;
    this.target = target;
    set(defaults);
  }

  ServiceConfig current() {
    return current;
  }

  RetriableCall.Throttle throttle() {
    return throttle;
  }

  /** The policy the config names, else the channel's default. */
  String policy() {
    ServiceConfig sc = current;
    return sc.loadBalancingPolicy() != null ? sc.loadBalancingPolicy() : defaultPolicy;
  }

  private void set(ServiceConfig sc) {
    ServiceConfig before = current;
    current = sc;
    if (before == null || !java.util.Objects.equals(before.throttling(), sc.throttling())) {
      throttle = sc.throttling() == null ? null : new RetriableCall.Throttle(sc.throttling());
    }
  }

  /** Applies a config from the resolver (null: the default again); null if it is not valid. */
  LoadBalancedTransport.ServiceConfigChange fromResolver(Map<String, ?> raw) {
    ServiceConfig sc;
    if (raw == null) {
      sc = defaults;
    } else {
      try {
        sc = ServiceConfig.parse(raw, Balancers.names());
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.WARNING, "ignoring the service config the resolver gave for " + target + ": "
            + e.getMessage());
        return null;
      }
    }
    set(sc);
    return new LoadBalancedTransport.ServiceConfigChange(Balancers.find(policy()), sc.healthCheckService());
  }
}
