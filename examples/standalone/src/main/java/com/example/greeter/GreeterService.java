package com.example.greeter;

import com.example.greeter.proto.GreeterRpc;
import com.example.greeter.proto.HelloReply;
import com.example.greeter.proto.HelloRequest;
import rpc.api.ServerContext;
import rpc.api.ServerStream;

/** The server side: one method per RPC of {@code greeter.proto}. Thread-safe (stateless). */
final class GreeterService implements GreeterRpc.Service {
  @Override
  public HelloReply sayHello(HelloRequest request, ServerContext context) {
    return HelloReply.newBuilder().setMessage("Hello, " + request.getName() + "!").setNumber(1).build();
  }

  @Override
  public void sayHelloRepeatedly(HelloRequest request, ServerStream<HelloReply, HelloRequest> responses) {
    for (int i = 1; i <= request.getTimes(); i++) {
      // send blocks while the client grants no flow-control credit
      responses.send(HelloReply.newBuilder().setMessage("Hello again, " + request.getName() + "!").setNumber(i).build());
    }
  }
}
