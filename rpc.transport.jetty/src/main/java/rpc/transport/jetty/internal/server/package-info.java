/**
 * The Jetty transport's server side; not exported: {@link JettyServerTransport}, a Jetty
 * {@code Server} listening on a TCP port or a Unix domain socket ({@link UnixSocketFile});
 * {@link ServerSessionHandler}, which checks each request and answers the bad ones itself; one call
 * on an HTTP/2 stream ({@link JettyServerCall}); and each connection's policing and retirement
 * ({@link ServerConnection} under a {@link ConnectionPolicy}, keepalive strikes counted by
 * {@link PingStrikes}).
 *
 * <p>Depends on {@code rpc.transport.jetty.internal.stream} for the per-call stream engine and the
 * wire pieces it shares with the client, never on {@code internal.client}.
 *
 * <p>Threading: calls follow the rules of {@code internal.stream}; session and frame events arrive
 * on Jetty's threads, and the age, idle and drain timers run on the server's scheduler.
 */
package rpc.transport.jetty.internal.server;
