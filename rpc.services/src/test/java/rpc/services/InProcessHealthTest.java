package rpc.services;

/** The health service over {@code inprocess:}. */
class InProcessHealthTest extends AbstractHealthTest {
  @Override
  ServicesTransport transport() {
    return ServicesTransport.inProcess();
  }
}
