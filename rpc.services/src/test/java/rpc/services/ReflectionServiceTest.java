package rpc.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.services.reflection.v1.ServerReflectionRequest;
import rpc.services.reflection.v1.ServerReflectionResponse;
import rpc.services.reflection.v1.ServerReflectionRpc;

/** The reflection service's own API: definitions, attaching, and a call before attaching. */
@Timeout(30)
class ReflectionServiceTest {

  @Test
  void definitionsAreTheStandardServicesWithTheirSchemas() {
    ReflectionService reflection = ReflectionService.create();
    assertEquals("grpc.reflection.v1.ServerReflection", reflection.definition().name());
    assertEquals("grpc.reflection.v1alpha.ServerReflection", reflection.v1alphaDefinition().name());
    var v1 = assertInstanceOf(Descriptors.ServiceDescriptor.class, reflection.definition().schema());
    assertEquals("grpc/reflection/v1/reflection.proto", v1.getFile().getName());
    var alpha = assertInstanceOf(Descriptors.ServiceDescriptor.class, reflection.v1alphaDefinition().schema());
    assertEquals("grpc/reflection/v1alpha/reflection.proto", alpha.getFile().getName());
  }

  @Test
  void attachRequiresAServerThatServesItAndHappensOnce() {
    ReflectionService reflection = ReflectionService.create();
    Server without = Server.newBuilder().listen("inprocess:reflection-without").addService(Fixtures.handBuilt()).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reflection.attach(without));
    assertTrue(e.getMessage().contains("reflection.definition()"), e.getMessage());

    Server alphaOnly = Server.newBuilder().listen("inprocess:reflection-alpha")
        .addService(reflection.v1alphaDefinition()).build();
    reflection.attach(alphaOnly);
    assertThrows(IllegalStateException.class, () -> reflection.attach(alphaOnly));
  }

  @Test
  void aCallBeforeAttachFailsWithFailedPrecondition() throws Exception {
    ReflectionService reflection = ReflectionService.create();
    String target = "inprocess:reflection-detached-" + System.nanoTime();
    Server server = Server.newBuilder().listen(target).addService(reflection.definition()).build().start();
    try (Channel channel = Channel.open(target);
        ClientStream<ServerReflectionRequest, ServerReflectionResponse> stream =
            ServerReflectionRpc.newClient(channel).serverReflectionInfo()) {
      // The handler fails at once, so the send itself may already see the call's end.
      StatusException e = assertThrows(StatusException.class, () -> {
        stream.send(ServerReflectionRequest.newBuilder().setListServices("").build());
        stream.receive();
      });
      assertEquals(Status.Code.FAILED_PRECONDITION, e.status().code());
      assertTrue(e.status().description().contains("attach"), e.status().description());
    } finally {
      server.shutdownNow();
      assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
    }
  }
}
