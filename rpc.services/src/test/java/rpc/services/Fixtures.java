package rpc.services;

import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServerContext;
import rpc.api.ServerInterceptor;
import rpc.api.ServiceDefinition;
import rpc.codec.protobuf.ProtobufCodec;
import rpc.services.testing.greet.GreeterRpc;
import rpc.services.testing.greet.HelloReply;
import rpc.services.testing.greet.HelloRequest;

/** A server with a generated service, a hand-built one, health and reflection. */
final class Fixtures {
  static final String HAND_BUILT = "rpc.services.testing.HandBuilt";

  private Fixtures() {}

  /** Greets; the service the reflection tests describe. */
  static final class Greeter implements GreeterRpc.Service {
    @Override
    public HelloReply sayHello(HelloRequest request, ServerContext context) {
      return HelloReply.newBuilder().setMessage("Hello, " + request.getName()).build();
    }
  }

  /** A service with no schema: reflection can list it but not describe it. */
  static ServiceDefinition handBuilt() {
    MethodDescriptor<HelloRequest, HelloReply> echo = MethodDescriptor.of(HAND_BUILT + "/Echo",
        MethodDescriptor.Kind.UNARY, ProtobufCodec.of(HelloRequest.getDefaultInstance()),
        ProtobufCodec.of(HelloReply.getDefaultInstance()));
    return ServiceDefinition.newBuilder(HAND_BUILT)
        .unary(echo, (request, context) -> HelloReply.newBuilder().setMessage(request.getName()).build())
        .build();
  }

  /** A started server at {@code address} serving everything above, both services attached. */
  static Server start(String address, HealthService health, ReflectionService reflection,
      ServerInterceptor... interceptors) throws Exception {
    Server server = Server.newBuilder()
        .listen(address)
        .intercept(interceptors)
        .addService(new Greeter().bindService())
        .addService(handBuilt())
        .addService(health.definition())
        .addService(reflection.definition())
        .addService(reflection.v1alphaDefinition())
        .build();
    health.attach(server);
    reflection.attach(server);
    return server.start();
  }
}
