package rpc.consumer.modulepath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.spi.TransportProvider;

/** Runs on the module path: every rpc jar is a named module and the transport comes through {@code provides}. */
class ModulePathTest {

  @Test
  void runsAsNamedModules() {
    assertTrue(Greeting.class.getModule().isNamed(), "consumer is not a named module");
    assertEquals("rpc.api", Channel.class.getModule().getName());
    assertEquals("rpc.codec.protobuf", rpc.codec.protobuf.ProtobufCodec.class.getModule().getName());
    assertTrue(Channel.class.getModule().getDescriptor().uses().contains(TransportProvider.class.getName()));
  }

  @Test
  void findsInProcessTransportThroughServiceLoader() throws Exception {
    Module inprocess = ModuleLayer.boot().findModule("rpc.transport.inprocess").orElseThrow();
    boolean provides = inprocess.getDescriptor().provides().stream()
        .anyMatch(p -> p.service().equals(TransportProvider.class.getName()));
    assertTrue(provides, "rpc.transport.inprocess does not declare provides TransportProvider");
    // rpc.api's ServiceLoader (it declares `uses`) must find the provider through the module graph
    assertEquals("Hello, module path via inprocess", Greeting.roundTrip("module-path", "module path"));
  }
}
