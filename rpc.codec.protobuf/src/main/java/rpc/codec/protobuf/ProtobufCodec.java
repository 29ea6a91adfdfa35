package rpc.codec.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import rpc.api.Codec;
import rpc.api.Status;

/**
 * A {@link Codec} for one generated protobuf message type.
 * Thread-safe and immutable. Protobuf messages are immutable, so this codec declares
 * {@link #immutableMessages()} and the in-process transport passes them by reference. Bytes that do
 * not parse fail the call with {@code INTERNAL}, naming the message type. The JSON form of a full
 * message type is {@link #inFormat inFormat("json")}, a {@link ProtobufJsonCodec}.
 *
 * @param <T> the message type
 */
public final class ProtobufCodec<T extends MessageLite> implements Codec<T> {
  private final Parser<T> parser;
  private final String typeName;
  private final ExtensionRegistryLite extensions;
  /** The default instance of a full (not lite) message type, which JSON needs; null otherwise. */
  private final Message fullDefault;
  /** Made on first use, so that binary-only applications never load JsonFormat; any two are equal. */
  private volatile ProtobufJsonCodec<?> json;

  private ProtobufCodec(Parser<T> parser, String typeName, ExtensionRegistryLite extensions, Message fullDefault) {
    this.parser = parser;
    this.typeName = typeName;
    this.extensions = extensions;
    this.fullDefault = fullDefault;
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
        ExtensionRegistryLite.getEmptyRegistry(), defaultInstance instanceof Message full ? full : null);
  }

  /**
   * The codec for messages parsed by {@code parser}; {@code typeName} is used in error messages. It
   * has no JSON form ({@link #inFormat inFormat("json")} is null): use {@link #of(MessageLite)}.
   *
   * @param <T> the message type
   * @param parser the message type's parser
   * @param typeName the name of the message type
   * @return the codec
   */
  public static <T extends MessageLite> ProtobufCodec<T> of(Parser<T> parser, String typeName) {
    return new ProtobufCodec<>(Objects.requireNonNull(parser, "parser"), Objects.requireNonNull(typeName, "typeName"),
        ExtensionRegistryLite.getEmptyRegistry(), null);
  }

  /**
   * A copy of this codec that parses the extensions in {@code registry}.
   *
   * @param registry the extensions to parse
   * @return the copy
   */
  public ProtobufCodec<T> withExtensions(ExtensionRegistryLite registry) {
    return new ProtobufCodec<>(parser, typeName, Objects.requireNonNull(registry, "registry"), fullDefault);
  }

  /**
   * This codec for {@code proto}; for {@code json}, the {@link ProtobufJsonCodec} of the same
   * message type (with an empty type registry) if it is a full {@link Message} type made by
   * {@link #of(MessageLite)}, and null for lite types, which have no descriptor to write JSON
   * from; null for any other format.
   */
  @Override
  @SuppressWarnings("unchecked")
  public Codec<T> inFormat(String format) {
    if ("proto".equals(format)) {
      return this;
    }
    if (!"json".equals(format) || fullDefault == null) {
      return null;
    }
    ProtobufJsonCodec<?> j = json;
    if (j == null) {
      j = newJsonCodec(fullDefault, (ProtobufCodec<Message>) (ProtobufCodec<?>) this);
      json = j;
    }
    return (Codec<T>) j;
  }

  private static <M extends Message> ProtobufJsonCodec<M> newJsonCodec(M defaultInstance, ProtobufCodec<M> binary) {
    return new ProtobufJsonCodec<>(defaultInstance, binary, JsonFormat.TypeRegistry.getEmptyTypeRegistry());
  }

  private static String typeName(MessageLite m) {
    if (m instanceof Message full) {
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
