/** The instruments, the client interceptor and the server tracer behind RpcTelemetry. Not exported. */
package rpc.opentelemetry.internal;
