/**
 * JMH benchmarks of concurrent calls multiplexed over one shared channel: rpc's transports beside
 * grpc-java's, selected by the {@code impl} parameter, with the same messages and the same server
 * logic for every implementation.
 *
 * <p>Each benchmark runs on one JMH thread; completion callbacks run on the implementation's
 * threads. A null argument throws {@link NullPointerException}.
 */
package rpc.benchmarks;
