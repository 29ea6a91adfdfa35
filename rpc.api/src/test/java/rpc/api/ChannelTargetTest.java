package rpc.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** With no transport on the path at all (rpc.api's own tests), errors say which module to add. */
class ChannelTargetTest {
  @Test
  void missingInProcessTransportIsNamedNotReadAsAHostName() {
    for (String target : new String[] {"inprocess:orders", "inprocess:5000"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.open(target));
      assertTrue(e.getMessage().contains("rpc.transport.inprocess"), e.getMessage());
    }
    IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
        () -> Server.newBuilder().listen("inprocess:greeter").build());
    assertTrue(s.getMessage().contains("rpc.transport.inprocess"), s.getMessage());
  }

  @Test
  void missingNetworkTransportIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.open("localhost:50051"));
    assertTrue(e.getMessage().contains("rpc.transport.jetty"), e.getMessage());
  }

  @Test
  void missingUnixSocketTransportIsNamed() {
    for (String target : new String[] {"unix:///tmp/app.sock", "unix:app.sock"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.open(target));
      assertTrue(e.getMessage().contains("rpc.transport.jetty"), e.getMessage());
    }
  }
}
