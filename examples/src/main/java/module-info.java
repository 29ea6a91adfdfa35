/**
 * Runnable examples of rpc: {@code helloworld} (one channel and one client shared by many
 * threads), {@code routeguide} (all four call kinds), {@code multiplex} (two services on one
 * server, two clients on one channel), {@code loadbalance} (three servers behind one channel,
 * one shut down mid-way, no call lost) and {@code web} (a page in the browser calling the server
 * directly, over the Connect protocol and gRPC-Web). {@link rpc.examples.Examples} runs them by
 * name.
 */
module rpc.examples {
  requires rpc.api;
  requires rpc.codec.protobuf;
  requires rpc.transport.inprocess;
  requires rpc.transport.jetty;
  requires rpc.services;
  requires rpc.opentelemetry;
  requires io.opentelemetry.sdk;
  requires io.opentelemetry.sdk.common;
  requires io.opentelemetry.sdk.metrics;
  requires io.opentelemetry.sdk.trace;
  requires io.opentelemetry.exporter.logging;
  requires java.logging;
  requires jdk.httpserver; // the web example serves its page with the JDK's HTTP server

  exports rpc.examples;
}
