package rpc.transport.inprocess;

import java.util.concurrent.atomic.AtomicLong;
import rpc.api.Server;
import rpc.testkit.TransportConformanceTest;

/** The in-process transport runs the whole conformance suite. */
class InProcessConformanceTest extends TransportConformanceTest {
  private static final AtomicLong SERVERS = new AtomicLong();

  @Override
  protected String listenAddress() {
    return "inprocess:conformance-" + SERVERS.incrementAndGet();
  }

  @Override
  protected String targetFor(Server server) {
    return server.address();
  }
}
