package rpc.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors;
import org.junit.jupiter.api.Test;
import rpc.api.Server;
import rpc.services.health.v1.HealthCheckResponse.ServingStatus;
import rpc.services.health.v1.HealthRpc;

/** The health service's own API, without calls. */
class HealthServiceTest {

  @Test
  void definitionIsTheStandardServiceWithItsSchema() {
    HealthService health = HealthService.create();
    assertEquals("grpc.health.v1.Health", health.definition().name());
    assertEquals(2, health.definition().methods().size());
    Descriptors.ServiceDescriptor schema = (Descriptors.ServiceDescriptor) health.definition().schema();
    assertSame(HealthRpc.getServiceDescriptor(), schema);
    assertEquals("grpc/health/v1/health.proto", schema.getFile().getName());
  }

  @Test
  void statusesThatCannotBeSetAreRejected() {
    HealthService health = HealthService.create();
    assertThrows(IllegalArgumentException.class, () -> health.setStatus("a.B", ServingStatus.SERVICE_UNKNOWN));
    assertThrows(IllegalArgumentException.class, () -> health.setStatus("a.B", ServingStatus.UNRECOGNIZED));
    assertThrows(NullPointerException.class, () -> health.setStatus("a.B", null));
    assertThrows(NullPointerException.class, () -> health.setStatus(null, ServingStatus.SERVING));
    health.setStatus("a.B", ServingStatus.UNKNOWN);
    assertEquals(ServingStatus.UNKNOWN, health.status("a.B"));
  }

  @Test
  void enterShutdownFreezesEveryStatusAtNotServing() {
    HealthService health = HealthService.create();
    health.setStatus("a.B", ServingStatus.SERVING);
    health.enterShutdown();
    health.enterShutdown();
    assertEquals(ServingStatus.NOT_SERVING, health.status(""));
    assertEquals(ServingStatus.NOT_SERVING, health.status("a.B"));
    health.setStatus("a.B", ServingStatus.SERVING);
    health.clearStatus("a.B");
    health.setStatus("c.D", ServingStatus.SERVING);
    assertEquals(ServingStatus.NOT_SERVING, health.status("a.B"));
    assertEquals(null, health.status("c.D"));
  }

  @Test
  void attachRequiresAServerThatServesIt() {
    HealthService health = HealthService.create();
    Server without = Server.newBuilder().listen("inprocess:health-unattached").addService(Fixtures.handBuilt()).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> health.attach(without));
    assertTrue(e.getMessage().contains("health.definition()"), e.getMessage());
  }

  @Test
  void anAttachedServerFlipsEveryStatusWhenItsShutdownBegins() {
    HealthService health = HealthService.create();
    Server server = Server.newBuilder().listen("inprocess:health-attached").addService(health.definition()).build();
    health.attach(server);
    assertEquals(ServingStatus.SERVING, health.status(""));
    server.shutdown(); // never started: shutdown still begins
    assertEquals(ServingStatus.NOT_SERVING, health.status(""));
  }
}
