package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;

/**
 * Back-pressure end to end: a slow reader holds the sender back through the HTTP/2 window, so the
 * number of messages sent but not yet read stays small however much is streamed. Counted, not
 * measured in heap bytes.
 */
@Timeout(90)
class FlowControlTest {
  private static final int MESSAGE = 1024 * 1024;
  private static final int COUNT = 100; // 100 MiB
  /** Client prefetch (8) + one look-ahead frame + one stream window + the sender's queue, with slack. */
  private static final int BOUND = 16;

  private static final MethodDescriptor<byte[], byte[]> DOWNLOAD = MethodDescriptor.of(
      "test.Flow/Download", MethodDescriptor.Kind.SERVER_STREAMING, Fixtures.BYTES, Fixtures.BYTES);
  private static final MethodDescriptor<byte[], byte[]> UPLOAD = MethodDescriptor.of(
      "test.Flow/Upload", MethodDescriptor.Kind.CLIENT_STREAMING, Fixtures.BYTES, Fixtures.BYTES);

  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger maxAhead = new AtomicInteger();
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    byte[] blob = new byte[MESSAGE];
    ServiceDefinition flow = ServiceDefinition.newBuilder("test.Flow")
        .serverStreaming(DOWNLOAD, (req, stream) -> {
          for (int i = 0; i < COUNT; i++) {
            stream.send(blob);
            sent.incrementAndGet();
          }
        })
        .clientStreaming(UPLOAD, stream -> {
          byte[] m;
          while ((m = stream.receive()) != null) {
            assertEquals(MESSAGE, m.length);
            int r = received.incrementAndGet();
            maxAhead.accumulateAndGet(sent.get() - r, Math::max);
            if (r % 4 == 0) {
              Thread.sleep(10); // a slow reader
            }
          }
          return new byte[0];
        })
        .build();
    server = Server.newBuilder().listen("127.0.0.1:0").addService(flow).build().start();
    channel = Channel.newBuilder("127.0.0.1:" + server.port()).maxInboundMessageSize(2 * MESSAGE).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
  }

  @Test
  void slowClientHoldsBackAServerStreaming100MiB() throws Exception {
    try (ClientStream<byte[], byte[]> s = channel.newStream(DOWNLOAD)) {
      s.sendAndClose(new byte[0]);
      byte[] m;
      while ((m = s.receive()) != null) {
        assertEquals(MESSAGE, m.length);
        int r = received.incrementAndGet();
        maxAhead.accumulateAndGet(sent.get() - r, Math::max);
        if (r % 4 == 0) {
          Thread.sleep(10); // a slow reader
        }
      }
    }
    assertEquals(COUNT, received.get());
    assertTrue(maxAhead.get() <= BOUND, "server ran " + maxAhead.get() + " messages ahead of the reader");
  }

  @Test
  void slowServerHoldsBackAClientStreaming100MiB() throws Exception {
    byte[] blob = new byte[MESSAGE];
    try (ClientStream<byte[], byte[]> s = channel.newStream(UPLOAD)) {
      for (int i = 0; i < COUNT; i++) {
        s.send(blob);
        sent.incrementAndGet();
      }
      s.halfClose();
      assertEquals(0, s.receive().length);
      assertNull(s.receive());
    }
    assertEquals(COUNT, received.get());
    assertTrue(maxAhead.get() <= BOUND, "client ran " + maxAhead.get() + " messages ahead of the reader");
  }
}
