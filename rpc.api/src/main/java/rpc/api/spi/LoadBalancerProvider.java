package rpc.api.spi;

/**
 * Creates load balancers of one policy ({@code "pick_first"}, {@code "round_robin"}). Found with
 * {@link java.util.ServiceLoader} ({@code provides rpc.api.spi.LoadBalancerProvider with ...}) and
 * chosen by name with {@code Channel.Builder.defaultLoadBalancingPolicy}. rpc.api has {@code pick_first}
 * (the default, as in gRPC) and {@code round_robin}. Implementations must be thread-safe and have a
 * cheap constructor that never throws.
 */
public interface LoadBalancerProvider {

  /** {@return the policy name, as in gRPC's service config ({@code "round_robin"})} */
  String policy();

  /**
   * A balancer for one channel.
   *
   * @param helper what the channel offers the balancer
   * @return the new balancer
   */
  LoadBalancer newLoadBalancer(LoadBalancer.Helper helper);
}
