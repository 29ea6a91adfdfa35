/**
 * OpenTelemetry metrics and tracing for rpc: {@link rpc.opentelemetry.RpcTelemetry}.
 */
package rpc.opentelemetry;
