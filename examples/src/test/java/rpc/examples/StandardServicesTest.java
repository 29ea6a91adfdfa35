package rpc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.ClientStream;
import rpc.examples.helloworld.GreeterService;
import rpc.examples.internal.Demo;
import rpc.examples.internal.Options;
import rpc.services.health.v1.HealthCheckRequest;
import rpc.services.health.v1.HealthCheckResponse.ServingStatus;
import rpc.services.health.v1.HealthRpc;
import rpc.services.reflection.v1.ServerReflectionRequest;
import rpc.services.reflection.v1.ServerReflectionResponse;
import rpc.services.reflection.v1.ServerReflectionRpc;
import rpc.services.reflection.v1.ServiceResponse;

/** Every example server offers health checking and reflection, as grpcurl and probes expect. */
@Timeout(30)
class StandardServicesTest {

  @Test
  void exampleServerAnswersHealthAndReflectionOverHttp2() throws Exception {
    Options options = Options.parse(new String[] {"--transport", "jetty"}, Map.of());
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (Demo demo = Demo.start("helloworld", options, quiet, List.of(new GreeterService().bindService()))) {
      HealthRpc.Client health = HealthRpc.newClient(demo.channel());
      assertEquals(ServingStatus.SERVING,
          health.check(HealthCheckRequest.newBuilder().setService("helloworld.Greeter").build()).getStatus());
      assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());

      try (ClientStream<ServerReflectionRequest, ServerReflectionResponse> stream =
          ServerReflectionRpc.newClient(demo.channel()).serverReflectionInfo()) {
        stream.sendAndClose(ServerReflectionRequest.newBuilder().setListServices("").build());
        Set<String> names = stream.receive().getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("helloworld.Greeter", "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection")), names.toString());
      }
    }
  }
}
