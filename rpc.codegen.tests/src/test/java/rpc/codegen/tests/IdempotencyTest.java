package rpc.codegen.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import golden.idempotency.LedgerRpc;
import org.junit.jupiter.api.Test;
import rpc.api.MethodDescriptor.Idempotency;

/** A method's {@code idempotency_level} option reaches its generated descriptor. */
class IdempotencyTest {

  @Test
  void generatedDescriptorsCarryTheDeclaredLevel() {
    assertEquals(Idempotency.NO_SIDE_EFFECTS, LedgerRpc.BALANCE.idempotency());
    assertEquals(Idempotency.IDEMPOTENT, LedgerRpc.SET_LIMIT.idempotency());
    assertEquals(Idempotency.UNKNOWN, LedgerRpc.DEPOSIT.idempotency());
    assertEquals(Idempotency.UNKNOWN, LedgerRpc.WITHDRAW.idempotency());
  }

  @Test
  void theLevelDoesNotHideTheSchema() {
    // withIdempotency comes after withSchema in the generated chain: both must survive
    assertEquals(LedgerRpc.getServiceDescriptor().findMethodByName("Balance"), LedgerRpc.BALANCE.schema());
  }
}
