package rpc.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The tests run inside the named module, so its descriptor is the one users get. */
class ModuleTest {

  @Test
  void exportsTheApiAndTheGeneratedPackagesButNotTheImplementation() {
    Module module = HealthService.class.getModule();
    assertTrue(module.isNamed(), "tests must run on the module path");
    assertEquals("rpc.services", module.getName());
    ModuleDescriptor descriptor = module.getDescriptor();
    Set<String> exported = descriptor.exports().stream()
        .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    assertEquals(Set.of("rpc.services", "rpc.services.health.v1", "rpc.services.reflection.v1",
        "rpc.services.reflection.v1alpha"), exported);
    assertTrue(descriptor.requires().stream().anyMatch(r -> r.name().equals("rpc.codec.protobuf")
        && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)));
  }
}
