package rpc.transport.jetty;

import rpc.api.Channel;
import rpc.api.Server;
import rpc.testkit.http2.Http2WireConformanceTest;

/** The HTTP/2 wire conformance suite against this transport's server and channel. */
class JettyHttp2WireTest extends Http2WireConformanceTest {

  @Override
  protected Server.Builder configureServer(Server.Builder builder) {
    return builder.transport("jetty");
  }

  @Override
  protected Channel.Builder configureChannel(Channel.Builder builder) {
    return builder.transport("jetty");
  }
}
