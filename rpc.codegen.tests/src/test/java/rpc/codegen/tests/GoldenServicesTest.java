package rpc.codegen.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpc.golden.common.Ping;
import dev.rpc.golden.lite.LiteService.Knock;
import dev.rpc.golden.lite.TinyRpc;
import dev.rpc.golden.names.OddNamesOuterClass.OddNames;
import dev.rpc.golden.names.odd_serviceRpc;
import golden.imports.ImporterProtos.Local;
import golden.imports.ImporterRpc;
import golden.multi.AlphaRpc;
import golden.multi.BetaRpc;
import golden.multi.TwoServices.Envelope;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Server;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.ServiceDefinition;

/**
 * Runs the classes generated from rpc.codegen's golden-test protos (they compile as part of this
 * module's tests), so the odd cases are known to work, not only to compile.
 */
@Timeout(30)
class GoldenServicesTest {

  private Server server;
  private Channel channel;

  private Channel serve(ServiceDefinition... services) throws Exception {
    String target = "inprocess:golden-" + System.nanoTime();
    Server.Builder builder = Server.newBuilder().listen(target);
    for (ServiceDefinition s : services) {
      builder.addService(s);
    }
    server = builder.build().start();
    channel = Channel.open(target);
    return channel;
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
      assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
    }
  }

  private static OddNames odd(String s) {
    return OddNames.newBuilder().setValue(s).build();
  }

  @Test
  void keywordAndObjectMethodNamesWork() throws Exception {
    odd_serviceRpc.Service impl = new odd_serviceRpc.Service() {
      @Override
      public OddNames class_(OddNames request, ServerContext context) {
        return odd("class:" + request.getValue());
      }

      @Override
      public OddNames classAsync(OddNames request, ServerContext context) {
        return odd("classAsync:" + request.getValue());
      }

      @Override
      public void new_(OddNames request, ServerStream<OddNames, OddNames> responses) {
        responses.send(odd("new:" + request.getValue()));
      }

      @Override
      public void newStream(OddNames request, ServerStream<OddNames, OddNames> responses) {
        responses.send(odd("newStream:" + request.getValue()));
      }

      @Override
      public void toString_(ServerStream<OddNames, OddNames> stream) {
        for (OddNames m; (m = stream.receive()) != null; ) {
          stream.send(odd("str:" + m.getValue()));
        }
      }
    };
    odd_serviceRpc.Client client = odd_serviceRpc.newClient(serve(impl.bindService()));
    assertEquals("class:x", client.class_(odd("x")).getValue());
    assertEquals("class:y", client.classAsync_(odd("y")).get().getValue());
    // the RPCs named like Class's and new's extra client methods keep their names
    assertEquals("classAsync:w", client.classAsync(odd("w")).getValue());
    try (java.util.stream.Stream<OddNames> replies = client.newStream_(odd("v"))) {
      assertEquals(List.of("new:v"), replies.map(OddNames::getValue).toList());
    }
    try (ClientStream<OddNames, OddNames> call = client.newStream(odd("u"))) {
      assertEquals("newStream:u", call.receive().getValue());
    }
    try (ClientStream<OddNames, OddNames> call = client.toString_()) {
      call.sendAndClose(odd("z"));
      assertEquals("str:z", call.receive().getValue());
      assertNull(call.receive());
    }
    assertEquals("golden.names.odd_service/Class", odd_serviceRpc.CLASS.fullName());
  }

  @Test
  @SuppressWarnings("deprecation") // BetaRpc is deprecated in its .proto
  void twoServicesOfOneFileOnOneServer() throws Exception {
    AlphaRpc.Service alpha = new AlphaRpc.Service() {
      @Override
      public Envelope.Receipt send(Envelope request, ServerContext context) {
        return Envelope.Receipt.newBuilder().setId(request.getBody().length()).build();
      }
    };
    BetaRpc.Service beta = new BetaRpc.Service() {
      @Override
      public Envelope ping(Envelope request, ServerContext context) {
        return request;
      }
    };
    Channel ch = serve(alpha.bindService(), beta.bindService());
    assertEquals(5, AlphaRpc.newClient(ch).send(Envelope.newBuilder().setBody("hello").build()).getId());
    assertEquals("p", BetaRpc.newClient(ch).ping(Envelope.newBuilder().setBody("p").build()).getBody());
    assertEquals("golden.multi.Alpha", AlphaRpc.getServiceDescriptor().getFullName());
  }

  @Test
  void messagesFromImportedFilesAndWellKnownTypes() throws Exception {
    ImporterRpc.Service impl = new ImporterRpc.Service() {
      @Override
      public com.google.protobuf.Empty forget(Ping request, ServerContext context) {
        return com.google.protobuf.Empty.getDefaultInstance();
      }

      @Override
      public Local.Nested echo(Ping request, ServerContext context) {
        return Local.Nested.newBuilder().setPing(request).build();
      }
    };
    ImporterRpc.Client client = ImporterRpc.newClient(serve(impl.bindService()));
    assertEquals(com.google.protobuf.Empty.getDefaultInstance(), client.forget(Ping.newBuilder().setPayload("a").build()));
    assertEquals("b", client.echo(Ping.newBuilder().setPayload("b").build()).getPing().getPayload());
  }

  @Test
  void liteMessagesWithoutDescriptors() throws Exception {
    TinyRpc.Service impl = new TinyRpc.Service() {
      @Override
      public Knock poke(Knock request, ServerContext context) {
        return request.toBuilder().setTimes(request.getTimes() + 1).build();
      }
    };
    TinyRpc.Client client = TinyRpc.newClient(serve(impl.bindService()));
    assertEquals(3, client.poke(Knock.newBuilder().setTimes(2).build()).getTimes());
    assertNull(TinyRpc.POKE.schema());
    assertInstanceOf(ServiceDefinition.class, impl.bindService());
  }
}
