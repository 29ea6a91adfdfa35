package rpc.transport.jetty;

import rpc.api.Channel;

/**
 * The whole conformance suite with the channel's calls spread by {@code round_robin} (the plain
 * suite runs through the default {@code pick_first}): the resolver and balancer in front of the
 * transport change nothing a call can observe.
 */
class JettyRoundRobinConformanceTest extends JettyConformanceTest {

  @Override
  protected Channel.Builder configureChannel(Channel.Builder builder) {
    return super.configureChannel(builder).defaultLoadBalancingPolicy("round_robin");
  }
}
