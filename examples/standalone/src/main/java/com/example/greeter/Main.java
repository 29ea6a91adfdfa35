package com.example.greeter;

import com.example.greeter.proto.GreeterRpc;
import com.example.greeter.proto.HelloReply;
import com.example.greeter.proto.HelloRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.stream.Stream;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Server;

/** Starts a Greeter server on a free port of 127.0.0.1, calls it over HTTP/2 and prints the answers. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** Runs the server and the client, printing to {@code out}. */
  static void run(PrintStream out) throws Exception {
    Server server = Server.newBuilder()
        .listen("127.0.0.1:0")                            // port 0: any free port
        .addService(new GreeterService().bindService())
        .build()
        .start();
    try (Channel channel = Channel.open("127.0.0.1:" + server.port())) {  // thread-safe: share it
      GreeterRpc.Client greeter = GreeterRpc.newClient(channel).withTimeout(Duration.ofSeconds(10));

      // unary: blocks for the reply
      HelloReply reply = greeter.sayHello(HelloRequest.newBuilder().setName("world").build());
      out.println(reply.getMessage());

      // server streaming, as a java.util.stream.Stream: closing it early would cancel the call
      try (Stream<HelloReply> replies =
          greeter.sayHelloRepeatedlyStream(HelloRequest.newBuilder().setName("stream").setTimes(2).build())) {
        replies.forEach(r -> out.println(r.getNumber() + ": " + r.getMessage()));
      }

      // server streaming, as a ClientStream: receive() returns null after the last reply
      try (ClientStream<HelloRequest, HelloReply> replies =
          greeter.sayHelloRepeatedly(HelloRequest.newBuilder().setName("again").setTimes(1).build())) {
        for (HelloReply r; (r = replies.receive()) != null; ) {
          out.println(r.getNumber() + ": " + r.getMessage());
        }
      }

      // a message in protobuf's text format
      out.print("last reply: " + reply);
    } finally {
      server.shutdown();  // graceful: calls in flight finish
    }
  }
}
