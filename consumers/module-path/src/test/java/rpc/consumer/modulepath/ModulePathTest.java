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

  /**
   * protobuf-java-util is an automatic module and cannot name Gson, which JsonFormat needs, so
   * rpc.codec.protobuf requires it on its behalf. Surefire adds every module of the module path to
   * the graph, an application started with {@code java -m} only what is required: without that
   * {@code requires}, JSON would work here and fail there with NoClassDefFoundError. Hence the
   * check of the descriptor.
   */
  @Test
  void writesAndReadsJson() {
    Class<?> json = rpc.codec.protobuf.ProtobufJsonCodec.class;
    var codec = rpc.codec.protobuf.ProtobufJsonCodec.of(com.google.protobuf.StringValue.getDefaultInstance());
    byte[] text = codec.toByteArray(com.google.protobuf.StringValue.of("module path"));
    assertEquals("\"module path\"", new String(text, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("module path", codec.fromByteArray(text).getValue());
    assertEquals("com.google.protobuf.util", com.google.protobuf.util.JsonFormat.class.getModule().getName());
    assertTrue(json.getModule().getDescriptor().requires().stream().anyMatch(r -> r.name().equals("com.google.gson")),
        "rpc.codec.protobuf must require com.google.gson for protobuf-java-util");
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
