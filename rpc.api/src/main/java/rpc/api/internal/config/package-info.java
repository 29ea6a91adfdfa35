/**
 * The service config (grpc's {@code doc/service_config.md}), read from the JSON object model a
 * channel is given: per-method timeouts, wait-for-ready, message limits, retry and hedging
 * policies, retry throttling and the load-balancing policy. Not exported.
 */
package rpc.api.internal.config;
