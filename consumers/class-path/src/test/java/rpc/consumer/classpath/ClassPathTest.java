package rpc.consumer.classpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.Int64Value;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.codec.protobuf.ProtobufCodec;

/** Runs on the class path: the jars are unnamed and the transport is found through META-INF/services. */
class ClassPathTest {
  static final MethodDescriptor<Int64Value, Int64Value> SQUARE = MethodDescriptor.of("consumer.Math/Square",
      MethodDescriptor.Kind.UNARY, ProtobufCodec.of(Int64Value.getDefaultInstance()),
      ProtobufCodec.of(Int64Value.getDefaultInstance()));

  @Test
  void findsInProcessTransportOnTheClassPath() throws Exception {
    assertFalse(Channel.class.getModule().isNamed(), "rpc.api should be on the class path here");
    Server server = Server.newBuilder()
        .listen("inprocess:class-path")
        .addService(ServiceDefinition.newBuilder("consumer.Math")
            .unary(SQUARE, (req, ctx) -> req.getValue() == 1 ? req : Int64Value.of(req.getValue() * req.getValue()))
            .build())
        .build()
        .start();
    try (Channel channel = Channel.open("inprocess:class-path")) {
      assertEquals("inprocess", channel.transportName());
      assertEquals(1_524_157_875_019_052_100L, channel.call(SQUARE, Int64Value.of(1_234_567_890L)).getValue());
      // protobuf messages are immutable and both descriptors' codecs are equal: passed by reference
      Int64Value one = Int64Value.of(1);
      assertSame(one, channel.call(SQUARE, one));
    } finally {
      server.shutdownNow();
    }
  }
}
