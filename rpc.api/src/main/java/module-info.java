/**
 * The rpc public API ({@code rpc.api}), the transport SPI ({@code rpc.api.spi}) and the gRPC wire
 * helpers every HTTP/2 transport needs ({@code rpc.api.wire}). Depends on the JDK only.
 *
 * <p>Transports are found with {@link java.util.ServiceLoader}; add a transport module (for example
 * {@code rpc.transport.inprocess} or {@code rpc.transport.jetty}) to the module path or class path.
 */
module rpc.api {
  exports rpc.api;
  exports rpc.api.spi;
  exports rpc.api.wire;

  uses rpc.api.spi.TransportProvider;
  uses rpc.api.spi.NameResolverProvider;
  uses rpc.api.spi.LoadBalancerProvider;
}
