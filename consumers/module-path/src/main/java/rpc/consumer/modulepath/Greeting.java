package rpc.consumer.modulepath;

import com.google.protobuf.StringValue;
import java.io.IOException;
import rpc.api.Channel;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.codec.protobuf.ProtobufCodec;

/**
 * A tiny application: serves one unary method over a named in-process server and calls it.
 *
 * <p>Thread-safe (stateless).
 */
public final class Greeting {
  /** The one method: {@code consumer.Greeter/Greet}. */
  public static final MethodDescriptor<StringValue, StringValue> GREET = MethodDescriptor.of(
      "consumer.Greeter/Greet", MethodDescriptor.Kind.UNARY,
      ProtobufCodec.of(StringValue.getDefaultInstance()), ProtobufCodec.of(StringValue.getDefaultInstance()));

  private Greeting() {}

  /** Starts a server named {@code name}, calls it once with {@code who}, and returns the reply. */
  public static String roundTrip(String name, String who) throws IOException, InterruptedException {
    Server server = Server.newBuilder()
        .listen("inprocess:" + name)
        .addService(ServiceDefinition.newBuilder("consumer.Greeter")
            .unary(GREET, (req, ctx) -> StringValue.of("Hello, " + req.getValue()))
            .build())
        .build()
        .start();
    try (Channel channel = Channel.open("inprocess:" + name)) {
      return channel.call(GREET, StringValue.of(who)).getValue() + " via " + channel.transportName();
    } finally {
      server.shutdown();
      server.awaitTermination(java.time.Duration.ofSeconds(5));
    }
  }
}
