package rpc.transport.inprocess.internal;

import java.util.concurrent.ConcurrentHashMap;

/** The running in-process servers by name. Thread-safe. */
final class Registry {
  private static final ConcurrentHashMap<String, InProcessServerTransport> SERVERS = new ConcurrentHashMap<>();

  private Registry() {}

  static boolean register(String name, InProcessServerTransport server) {
    return SERVERS.putIfAbsent(name, server) == null;
  }

  static void unregister(String name, InProcessServerTransport server) {
    SERVERS.remove(name, server);
  }

  static InProcessServerTransport lookup(String name) {
    return SERVERS.get(name);
  }
}
