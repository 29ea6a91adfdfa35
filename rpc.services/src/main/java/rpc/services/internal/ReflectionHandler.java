package rpc.services.internal;

import java.util.function.Supplier;
import rpc.api.ServerStream;
import rpc.api.ServiceDefinition;
import rpc.api.StatusException;
import rpc.services.reflection.v1.ServerReflectionRequest;
import rpc.services.reflection.v1.ServerReflectionResponse;
import rpc.services.reflection.v1.ServerReflectionRpc;

/**
 * The handler of {@code grpc.reflection.v1.ServerReflection}; {@link ReflectionV1alphaHandler}
 * serves {@code v1alpha} with the same answers.
 *
 * <p>Thread-safe: each call gets its own {@link ReflectionConversation}; the index is immutable.
 */
public final class ReflectionHandler implements ServerReflectionRpc.Service {
  private final Supplier<ReflectionIndex> index;

  /** @param index supplies the server's index, or throws {@link StatusException} when it cannot */
  public ReflectionHandler(Supplier<ReflectionIndex> index) {
    this.index = index;
  }

  /** Answers each question in turn, until the client half-closes. */
  @Override
  public void serverReflectionInfo(ServerStream<ServerReflectionResponse, ServerReflectionRequest> stream) {
    ReflectionConversation conversation = new ReflectionConversation(index.get());
    for (ServerReflectionRequest r; (r = stream.receive()) != null; ) {
      stream.send(conversation.answer(r));
    }
  }
}
