package rpc.services;

/** Server reflection over {@code inprocess:}. */
class InProcessReflectionTest extends AbstractReflectionTest {
  @Override
  ServicesTransport transport() {
    return ServicesTransport.inProcess();
  }
}
