/**
 * Name resolution and load balancing behind a channel: the built-in resolvers ({@code dns},
 * {@code ipv4}, {@code ipv6}, {@code unix}), the built-in policies ({@code pick_first},
 * {@code round_robin}), and the transport that picks a subchannel per call and holds calls that
 * have no subchannel yet. Not exported.
 */
package rpc.api.internal.balancer;
