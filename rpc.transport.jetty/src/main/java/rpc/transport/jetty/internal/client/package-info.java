/**
 * The Jetty transport's client side; not exported: {@link JettyClientTransport}, a channel's
 * transport for one target or one resolved address; its {@link ConnectionPool}, which keeps the
 * connections ({@link ClientConnection}, each with its stream slots and keepalive), the calls
 * waiting for a stream, the connectivity state and the reconnect backoff; where connections go
 * ({@link Destination}); the Jetty {@code HTTP2Client} that channels share
 * ({@link SharedHttp2Client}); and one call on an HTTP/2 stream ({@link JettyClientCall}).
 *
 * <p>Depends on {@code rpc.transport.jetty.internal.stream} for the per-call stream engine and the
 * wire pieces it shares with the server, never on {@code internal.server}.
 *
 * <p>Threading: calls follow the rules of {@code internal.stream}; connection events arrive on
 * Jetty's threads, and keepalive, the wait for SETTINGS and the reconnect backoff run on the
 * shared client's scheduler. Names are resolved on a Jetty thread, never on the caller's.
 */
package rpc.transport.jetty.internal.client;
