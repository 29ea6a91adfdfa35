package rpc.transport.jetty.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.transport.jetty.interop.InteropService.bytes;
import static rpc.transport.jetty.interop.InteropService.text;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Server;
import rpc.testkit.Waits;

/**
 * grpc-java 1.85's client keepalive against our server's enforcement: a client that PINGs more
 * often than the server permits hears {@code too_many_pings} (and backs off, as grpc clients do).
 * Slow by nature: grpc-java pings at most every 10 seconds, and the third strike is the one too many.
 */
@Timeout(120)
class GrpcJavaKeepAliveTest {

  @Test
  void aGrpcJavaClientPingingWithoutCallsIsToldTooManyPings() throws Exception {
    // grpc-java reports the GOAWAY, and how it backs off, in its log: the one place a test can see them.
    List<Logger> grpcLogs = List.of(Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyClientHandler"),
        Logger.getLogger("io.grpc.internal.AtomicBackoff"));
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getParameters() == null ? r.getMessage() : MessageFormat.format(r.getMessage(), r.getParameters()));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    for (Logger l : grpcLogs) {
      l.addHandler(capture);
      l.setUseParentHandlers(false); // the WARNINGs are expected here: keep them off the console
    }
    // Our defaults, as grpc's: PINGs at most every 5 minutes, and only while calls are open.
    Server server = Server.newBuilder().listen("127.0.0.1:0").addService(new InteropService().ourService())
        .build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
        .keepAliveTime(10, TimeUnit.SECONDS) // grpc-java's shortest
        .keepAliveWithoutCalls(true)
        .build();
    try {
      channel.getState(true); // connects without a call: every PING is a strike
      Waits.until("grpc-java told too_many_pings", () -> logged.stream()
          .anyMatch(m -> m.contains("ENHANCE_YOUR_CALM") && m.contains("too_many_pings")), Duration.ofSeconds(90));
      Waits.until("grpc-java pinging less often", () -> logged.stream()
          .anyMatch(m -> m.contains("Increased keepalive time")), Duration.ofSeconds(10));
      assertEquals("hello", text(ClientCalls.blockingUnaryCall(channel, InteropService.G_ECHO,
          CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), bytes("hello"))), "it reconnects");
    } finally {
      for (Logger l : grpcLogs) {
        l.removeHandler(capture);
        l.setUseParentHandlers(true);
      }
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow();
      assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
    }
  }
}
