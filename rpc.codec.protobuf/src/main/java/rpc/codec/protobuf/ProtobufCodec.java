package rpc.codec.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import rpc.api.Codec;
import rpc.api.Status;

/**
 * A {@link Codec} for one generated protobuf message type.
 * Thread-safe and immutable. Protobuf messages are immutable, so this codec declares
 * {@link #immutableMessages()} and the in-process transport passes them by reference. Bytes that do
 * not parse fail the call with {@code INTERNAL}, naming the message type.
 *
 * @param <T> the message type
 */
public final class ProtobufCodec<T extends MessageLite> implements Codec<T> {
  private final Parser<T> parser;
  private final String typeName;
  private final ExtensionRegistryLite extensions;

  private ProtobufCodec(Parser<T> parser, String typeName, ExtensionRegistryLite extensions) {
    this.parser = parser;
    this.typeName = typeName;
    this.extensions = extensions;
  }

  /**
   * The codec for the type of {@code defaultInstance} (for example
   * {@code HelloRequest.getDefaultInstance()}).
   *
   * @param <T> the message type
   * @param defaultInstance the message type's default instance
   * @return the codec
   */
  @SuppressWarnings("unchecked")
  public static <T extends MessageLite> ProtobufCodec<T> of(T defaultInstance) {
    Objects.requireNonNull(defaultInstance, "defaultInstance");
    return new ProtobufCodec<>((Parser<T>) defaultInstance.getParserForType(), typeName(defaultInstance),
        ExtensionRegistryLite.getEmptyRegistry());
  }

  /**
   * The codec for messages parsed by {@code parser}; {@code typeName} is used in error messages.
   *
   * @param <T> the message type
   * @param parser the message type's parser
   * @param typeName the name of the message type
   * @return the codec
   */
  public static <T extends MessageLite> ProtobufCodec<T> of(Parser<T> parser, String typeName) {
    return new ProtobufCodec<>(Objects.requireNonNull(parser, "parser"), Objects.requireNonNull(typeName, "typeName"),
        ExtensionRegistryLite.getEmptyRegistry());
  }

  /**
   * A copy of this codec that parses the extensions in {@code registry}.
   *
   * @param registry the extensions to parse
   * @return the copy
   */
  public ProtobufCodec<T> withExtensions(ExtensionRegistryLite registry) {
    return new ProtobufCodec<>(parser, typeName, Objects.requireNonNull(registry, "registry"));
  }

  private static String typeName(MessageLite m) {
    if (m instanceof com.google.protobuf.Message full) {
      return full.getDescriptorForType().getFullName();
    }
    return m.getClass().getName();
  }

  @Override
  public int encodedSize(T message) {
    return message.getSerializedSize();
  }

  @Override
  public void encode(T message, ByteBuffer target) {
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(target);
      message.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("could not serialize " + typeName + ": " + e.getMessage()).withCause(e)
          .asException();
    }
  }

  @Override
  public T decode(ByteBuffer source) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(source);
      in.enableAliasing(false);
      T message = parser.parseFrom(in, extensions);
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL.withDescription("invalid " + typeName + " message: " + e.getMessage()).withCause(e)
          .asException();
    } catch (RuntimeException e) {
      throw Status.INTERNAL.withDescription("could not parse " + typeName + ": " + e).withCause(e).asException();
    }
  }

  @Override
  public boolean immutableMessages() {
    return true;
  }

  /** {@return the protobuf full name of the message type (or its class name for lite messages)} */
  public String typeName() {
    return typeName;
  }

  /**
   * Codecs are equal when they parse with the same parser and extensions: they then read and
   * write the same message class, so a message from one may be handed to the other as it is.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ProtobufCodec<?> other && parser == other.parser && extensions == other.extensions;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(parser);
  }

  @Override
  public String toString() {
    return "ProtobufCodec{" + typeName + "}";
  }
}
