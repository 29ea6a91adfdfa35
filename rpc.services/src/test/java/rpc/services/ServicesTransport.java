package rpc.services;

import rpc.api.Server;

/** Where a test's server listens and how its client reaches it, per transport. */
interface ServicesTransport {
  /** The address to listen on. */
  String listenAddress();

  /** The target a channel uses to reach {@code server}. */
  String target(Server server);

  /** HTTP/2 (h2c) on an ephemeral port of the loopback address. */
  static ServicesTransport jetty() {
    return new ServicesTransport() {
      @Override
      public String listenAddress() {
        return "127.0.0.1:0";
      }

      @Override
      public String target(Server server) {
        return "127.0.0.1:" + server.port();
      }
    };
  }

  /** In-process: a fresh {@code inprocess:} name per server. */
  static ServicesTransport inProcess() {
    String name = "inprocess:services-" + System.nanoTime();
    return new ServicesTransport() {
      @Override
      public String listenAddress() {
        return name;
      }

      @Override
      public String target(Server server) {
        return name;
      }
    };
  }
}
