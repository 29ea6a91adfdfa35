/**
 * The web example: the Greeter and RouteGuide served to browsers, gRPC-Web and the Connect protocol
 * on the rpc server's one port with CORS for the page's origin, and the page itself (built from
 * {@code examples/web}) served from a second port by the JDK's HTTP server.
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}.
 */
package rpc.examples.web;
