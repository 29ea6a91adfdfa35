package rpc.api.internal.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Status;
import rpc.api.spi.ManualResolver;
import rpc.api.spi.NameResolver;
import rpc.api.spi.NameResolverProvider;
import rpc.api.spi.Target;

/** The built-in resolvers' target forms, their errors, and the DNS resolver's bounded rate. */
@Timeout(60)
class ResolversTest {

  private static List<SocketAddress> resolveOnce(String target, int defaultPort) throws InterruptedException {
    Target t = Target.parse(target);
    NameResolverProvider p = Resolvers.find(t.scheme(), List.of());
    assertNotNull(p, "no resolver for " + target);
    NameResolver r = p.newNameResolver(t, defaultPort);
    LinkedBlockingQueue<Object> results = new LinkedBlockingQueue<>();
    r.start(new NameResolver.Listener() {
      @Override
      public void onResult(List<SocketAddress> addresses, java.util.Map<String, ?> serviceConfig) {
        results.add(addresses);
      }

      @Override
      public void onError(Status error) {
        results.add(error);
      }
    });
    Object first = results.poll(20, TimeUnit.SECONDS);
    r.shutdown();
    if (first instanceof Status s) {
      throw s.asException();
    }
    @SuppressWarnings("unchecked")
    List<SocketAddress> list = (List<SocketAddress>) first;
    return list;
  }

  @Test
  void addressListsAndUnixPathsResolveWithoutLookups() throws Exception {
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 50051), new InetSocketAddress("10.1.2.3", 80)),
        resolveOnce("ipv4:127.0.0.1:50051,10.1.2.3", 80));
    assertEquals(List.of(new InetSocketAddress("::1", 443), new InetSocketAddress("fe80::2", 9000)),
        resolveOnce("ipv6:::1,[fe80::2]:9000", 443));
    assertEquals(List.of(UnixDomainSocketAddress.of("/run/app.sock")), resolveOnce("unix:///run/app.sock", 80));
    assertEquals(List.of(UnixDomainSocketAddress.of("rel.sock")), resolveOnce("unix:rel.sock", 80));
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 8080)), resolveOnce("dns:///127.0.0.1:8080", 80));
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 443)), resolveOnce("https://127.0.0.1", 443));
  }

  @Test
  void malformedTargetsAreRefusedWhenTheResolverIsCreated() {
    for (String bad : List.of("ipv4:1.2.3", "ipv4:1.2.3.4:x", "ipv4:256.1.1.1", "ipv4:host.example:80", "ipv4:1.2.3.4,,",
        "ipv6:not-an-address", "ipv6:1.2.3.4", "dns:///:80")) {
      Target t = Target.parse(bad);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Resolvers.find(t.scheme(), List.of()).newNameResolver(t, 80), bad);
      assertTrue(e.getMessage().contains(bad), bad + ": " + e.getMessage());
    }
  }

  @Test
  void anUnknownNameIsReportedAsUnavailableNamingIt() {
    Status s = assertThrows(rpc.api.StatusException.class,
        () -> resolveOnce("dns:///no-such-host.invalid:80", 80)).status();
    assertEquals(Status.Code.UNAVAILABLE, s.code());
    assertTrue(s.description().contains("no-such-host.invalid"), s.toString());
  }

  @Test
  void channelGivenAndUnknownSchemes() {
    ManualResolver mine = new ManualResolver("dns");
    assertTrue(Resolvers.find("dns", List.of(mine)) == mine, "a resolver given to the channel wins");
    assertNull(Resolvers.find("inprocess", List.of()));
    assertNull(Resolvers.find("backends", List.of()));
  }

  @Test
  void dnsRefreshesAreRateLimited() throws Exception {
    System.setProperty(DnsResolver.MIN_INTERVAL_PROPERTY, "300");
    try {
      DnsResolver r = new DnsResolver("localhost", 80);
      List<Long> results = new CopyOnWriteArrayList<>();
      long start = System.nanoTime();
      r.start(new NameResolver.Listener() {
        @Override
        public void onResult(List<SocketAddress> addresses, java.util.Map<String, ?> serviceConfig) {
          results.add(System.nanoTime());
        }

        @Override
        public void onError(Status error) {
          results.add(System.nanoTime());
        }
      });
      long end = start + TimeUnit.MILLISECONDS.toNanos(1000);
      int refreshes = 0;
      while (System.nanoTime() < end && refreshes < 2_000) {
        r.refresh();
        refreshes++;
        Thread.sleep(1); // a steady stream of requests, paced
      }
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      r.shutdown();
      int allowed = 1 + (int) (elapsedMs / 300) + 1;
      assertTrue(results.size() >= 2, "refreshes resolve again: " + results.size());
      assertTrue(results.size() <= allowed, results.size() + " resolutions in " + elapsedMs + " ms after "
          + refreshes + " refreshes; at most " + allowed + " allowed");
      // Results come when a lookup ends; the first (a cold JDK resolver) takes longest, so the gaps
      // between starts show from the second result on.
      for (int i = 2; i < results.size(); i++) {
        long gapMs = TimeUnit.NANOSECONDS.toMillis(results.get(i) - results.get(i - 1));
        assertTrue(gapMs >= 250, "resolutions " + gapMs + " ms apart");
      }
    } finally {
      System.clearProperty(DnsResolver.MIN_INTERVAL_PROPERTY);
    }
  }
}
