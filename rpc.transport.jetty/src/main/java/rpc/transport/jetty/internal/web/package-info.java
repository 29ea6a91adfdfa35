/**
 * gRPC-Web and the Connect protocol on the server's own port, for browsers and plain HTTP clients:
 * a Jetty {@link org.eclipse.jetty.server.Handler} that reads those requests (HTTP/1.1 or HTTP/2),
 * hands them to the library as ordinary server calls, and writes each protocol's answer. Depends
 * on {@code internal.stream} only.
 */
package rpc.transport.jetty.internal.web;
