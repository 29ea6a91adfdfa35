/**
 * The Jetty HTTP/2 transport: {@link rpc.transport.jetty.JettyTransportProvider} and its option
 * keys ({@link rpc.transport.jetty.JettyTransportOptions}). Applications do not call it directly:
 * put the module on the module path (or the jar on the class path) and open channels to
 * {@code host:port} or {@code https://host:port} targets.
 *
 * <p>Defaults for this package: a null argument throws {@link java.lang.NullPointerException}.
 * Transport callbacks run on Jetty's threads and never block.
 */
package rpc.transport.jetty;
