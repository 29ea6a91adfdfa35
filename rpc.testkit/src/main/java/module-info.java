/** The transport conformance suite (abstract JUnit 5 tests) and test fixtures. */
module rpc.testkit {
  requires transitive rpc.api;
  requires transitive org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires java.management;

  // The transport-level conformance group finds the transport under test as the library does.
  uses rpc.api.spi.TransportProvider;

  exports rpc.testkit;
  opens rpc.testkit to org.junit.platform.commons;
}
