/**
 * The in-process transport: {@code inprocess:NAME} targets, for calls within one JVM. Immutable
 * messages cross by reference; everything else behaves as over the network. Use it as the test
 * double for services and clients instead of mocks.
 */
module rpc.transport.inprocess {
  requires rpc.api;

  exports rpc.transport.inprocess;

  provides rpc.api.spi.TransportProvider with rpc.transport.inprocess.InProcessTransportProvider;
}
