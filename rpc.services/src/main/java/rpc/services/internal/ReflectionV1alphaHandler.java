package rpc.services.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.function.Supplier;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.services.reflection.v1alpha.ServerReflectionRequest;
import rpc.services.reflection.v1alpha.ServerReflectionResponse;
import rpc.services.reflection.v1alpha.ServerReflectionRpc;

/**
 * The handler of {@code grpc.reflection.v1alpha.ServerReflection}, the version older clients
 * still ask (some only ask this one).
 *
 * <p>Thread-safe, like {@link ReflectionHandler}, whose answers it gives: the two versions' messages
 * have the same fields and numbers, so a {@code v1alpha} message re-parses exactly as its
 * {@code v1} counterpart and back. Reflection is not a hot path; one implementation is worth the
 * extra copy.
 */
public final class ReflectionV1alphaHandler implements ServerReflectionRpc.Service {
  private final Supplier<ReflectionIndex> index;

  /** @param index supplies the server's index, or throws {@link StatusException} when it cannot */
  public ReflectionV1alphaHandler(Supplier<ReflectionIndex> index) {
    this.index = index;
  }

  @Override
  public void serverReflectionInfo(ServerStream<ServerReflectionResponse, ServerReflectionRequest> stream) {
    ReflectionConversation conversation = new ReflectionConversation(index.get());
    for (ServerReflectionRequest r; (r = stream.receive()) != null; ) {
      try {
        var request = rpc.services.reflection.v1.ServerReflectionRequest.parseFrom(r.toByteString());
        stream.send(ServerReflectionResponse.parseFrom(conversation.answer(request).toByteString()));
      } catch (InvalidProtocolBufferException e) {
        // Bytes just serialized from a message with the same fields always parse.
        throw new StatusException(Status.INTERNAL.withDescription("reflection message did not convert: " + e)
            .withCause(e));
      }
    }
  }
}
