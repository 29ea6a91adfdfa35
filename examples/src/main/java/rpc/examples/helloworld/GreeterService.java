package rpc.examples.helloworld;

import rpc.api.ServerContext;

/**
 * The Greeter: answers {@code name} with {@code Hello, name!}.
 * Thread-safe (stateless): calls run at once, each on its own virtual thread.
 */
public final class GreeterService implements GreeterRpc.Service {
  @Override
  public HelloReply sayHello(HelloRequest request, ServerContext context) {
    return HelloReply.newBuilder().setMessage("Hello, " + request.getName() + "!").build();
  }
}
