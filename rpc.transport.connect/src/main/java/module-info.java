/**
 * A client transport speaking the Connect protocol over HTTP/1.1 and HTTP/2, on the JDK's
 * {@code java.net.http} client: {@code connect+http://host:port} and
 * {@code connect+https://host:port} targets reach connect-go and connect-es servers, and the
 * Connect endpoints of rpc's own server, through the ordinary {@code rpc.api}.
 */
module rpc.transport.connect {
  requires rpc.api;
  requires java.net.http;

  exports rpc.transport.connect;

  provides rpc.api.spi.TransportProvider with rpc.transport.connect.ConnectTransportProvider;
}
