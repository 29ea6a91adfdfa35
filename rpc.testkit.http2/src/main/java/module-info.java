/**
 * The HTTP/2 wire conformance suite for gRPC transports (abstract JUnit 5 tests), built on raw
 * Jetty HTTP/2 peers: a client that sends frames no gRPC client would, and scripted servers that
 * answer as proxies and broken servers do.
 */
module rpc.testkit.http2 {
  requires transitive rpc.testkit;
  requires rpc.api;
  requires org.junit.jupiter.api;
  requires org.eclipse.jetty.http2.client;
  requires org.eclipse.jetty.http2.server;
  requires org.eclipse.jetty.http2.common;
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.util;
  requires org.eclipse.jetty.server;

  exports rpc.testkit.http2;
  opens rpc.testkit.http2 to org.junit.platform.commons;
}
