/**
 * The HTTP/2 transport of rpc, speaking the gRPC wire protocol on Jetty's low-level HTTP/2 client
 * and server (h2c with prior knowledge, and TLS with ALPN h2), over TCP or Unix domain sockets.
 */
module rpc.transport.jetty {
  requires rpc.api;
  requires org.eclipse.jetty.http2.client;
  requires org.eclipse.jetty.http2.server;
  requires org.eclipse.jetty.http2.common;
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.util;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.alpn.server;
  requires org.eclipse.jetty.alpn.java.client;
  requires org.eclipse.jetty.alpn.java.server;
  requires org.eclipse.jetty.unixdomain.server;

  exports rpc.transport.jetty;

  provides rpc.api.spi.TransportProvider with rpc.transport.jetty.JettyTransportProvider;
}
