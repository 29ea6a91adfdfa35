package rpc.codec.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;
import rpc.api.Codec;
import rpc.api.Status;

/**
 * A {@link Codec} writing one generated protobuf message type as JSON: the format of
 * {@code application/grpc+json} and of the JSON forms of gRPC-Web and the Connect protocol.
 * Thread-safe and immutable.
 *
 * <p>Messages are written in protobuf's canonical proto3 JSON mapping by protobuf's own
 * {@link JsonFormat}, as UTF-8 without insignificant whitespace: fields under their lowerCamelCase
 * JSON names, fields at their default value left out, enums by name, 64-bit integers as strings,
 * well-known types ({@code Timestamp}, {@code Duration}, {@code Struct}, wrappers, ...) in their
 * special forms. Reading accepts the JSON names and the proto field names alike and, as connect-go
 * does, ignores fields (and enum value names) it does not know, so that client and server need not
 * share one version of the schema; like connect-go it refuses anything after the JSON value. An
 * {@code Any} field can be written and read only if its type is in the
 * {@linkplain #withTypeRegistry type registry}.
 *
 * <p>JSON that does not parse as the message type (not JSON, not UTF-8, not an object, a value of
 * the wrong type, an empty payload) fails the call with {@code INTERNAL}, with a description naming
 * the message type and what was wrong. {@code INTERNAL} is what gRPC implementations (grpc-go,
 * grpc-java) answer for a message they cannot read, in either direction, and a codec cannot tell a
 * request from a response. connect-go answers {@code INVALID_ARGUMENT} instead, but from its
 * protocol layer, for every message it cannot read: a Connect endpoint maps the status there.
 *
 * <p>A server answers JSON clients from a method registered with binary {@link ProtobufCodec}s
 * (whose {@link ProtobufCodec#inFormat inFormat("json")} is this codec, with an empty type
 * registry); a method whose messages hold {@code Any} values is registered with this codec instead,
 * with the registry, and still answers binary clients through {@link #inFormat inFormat("proto")}.
 *
 * <p>{@link #encodedSize} prints the message; {@link #encode} called next for the same message on
 * the same thread writes that text instead of printing it again (as a transport does).
 *
 * @param <T> the message type
 */
public final class ProtobufJsonCodec<T extends Message> implements Codec<T> {
  /**
   * Printed text larger than this is not kept for the {@link #encode} that follows: a thread that
   * only weighs messages would otherwise hold on to its last large one.
   */
  private static final int MAX_KEPT_BYTES = 256 * 1024;
  private static final Pattern EXCEPTION_PREFIX =
      Pattern.compile("^(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");
  private static final ThreadLocal<Printed> LAST_PRINTED = ThreadLocal.withInitial(Printed::new);

  private final T defaultInstance;
  private final ProtobufCodec<T> binary;
  private final JsonFormat.TypeRegistry registry;
  private final JsonFormat.Printer printer;
  private final JsonFormat.Parser parser;

  ProtobufJsonCodec(T defaultInstance, ProtobufCodec<T> binary, JsonFormat.TypeRegistry registry) {
    this.defaultInstance = defaultInstance;
    this.binary = binary;
    this.registry = registry;
    this.printer = JsonFormat.printer().usingTypeRegistry(registry).omittingInsignificantWhitespace();
    this.parser = JsonFormat.parser().usingTypeRegistry(registry).ignoringUnknownFields();
  }

  /**
   * The JSON codec for the type of {@code defaultInstance} (for example
   * {@code HelloRequest.getDefaultInstance()}), with an empty type registry.
   *
   * @param <T> the message type
   * @param defaultInstance the message type's default instance
   * @return the codec
   */
  public static <T extends Message> ProtobufJsonCodec<T> of(T defaultInstance) {
    Objects.requireNonNull(defaultInstance, "defaultInstance");
    return new ProtobufJsonCodec<>(defaultInstance, ProtobufCodec.of(defaultInstance),
        JsonFormat.TypeRegistry.getEmptyTypeRegistry());
  }

  /**
   * A copy of this codec that writes and reads the {@code Any} values of the types in
   * {@code registry}.
   *
   * @param registry the message types {@code Any} values may hold
   * @return the copy
   */
  public ProtobufJsonCodec<T> withTypeRegistry(JsonFormat.TypeRegistry registry) {
    return new ProtobufJsonCodec<>(defaultInstance, binary, Objects.requireNonNull(registry, "registry"));
  }

  /** {@return the registry of the types {@code Any} values may hold} */
  public JsonFormat.TypeRegistry typeRegistry() {
    return registry;
  }

  /** {@return the protobuf full name of the message type} */
  public String typeName() {
    return descriptor().getFullName();
  }

  private Descriptor descriptor() {
    return defaultInstance.getDescriptorForType();
  }

  /** {@return {@code json}} */
  @Override
  public String format() {
    return "json";
  }

  /**
   * This codec for {@code json}; for {@code proto}, the binary {@link ProtobufCodec} of the same
   * message type; null for any other format.
   */
  @Override
  public Codec<T> inFormat(String format) {
    return switch (format) {
      case "json" -> this;
      case "proto" -> binary;
      default -> null;
    };
  }

  @Override
  public int encodedSize(T message) {
    Printed last = LAST_PRINTED.get();
    if (last.codec == this && last.message == message) {
      return last.json.length;
    }
    byte[] json = print(message);
    if (json.length <= MAX_KEPT_BYTES) {
      last.keep(this, message, json);
    } else {
      last.clear();
    }
    return json.length;
  }

  @Override
  public void encode(T message, ByteBuffer target) {
    Printed last = LAST_PRINTED.get();
    byte[] json;
    if (last.codec == this && last.message == message) {
      json = last.json;
      last.clear();
    } else {
      json = print(message);
    }
    target.put(json);
  }

  private byte[] print(T message) {
    try {
      return printer.print(message).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL.withDescription("could not write " + typeName() + " as JSON: " + e.getMessage())
          .withCause(e).asException();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public T decode(ByteBuffer source) {
    String json;
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(source);
      json = chars.toString();
    } catch (CharacterCodingException e) {
      throw invalid("not UTF-8 (" + e.getMessage() + ")", e);
    }
    if (json.isBlank()) {
      throw invalid("an empty payload is not a JSON object", null);
    }
    Message.Builder builder = defaultInstance.newBuilderForType();
    T message;
    try {
      parser.merge(json, builder);
      message = (T) builder.build();
    } catch (InvalidProtocolBufferException e) {
      throw invalid(reason(e), e);
    } catch (RuntimeException e) {
      // JsonFormat wraps what gson throws; build() refuses a proto2 message missing a required field.
      throw invalid(reason(e), e);
    }
    int end = endOfFirstValue(json);
    if (end < json.length()) {
      throw invalid("unexpected '" + json.charAt(end) + "' after the JSON value, at offset " + end, null);
    }
    return message;
  }

  /**
   * Where the first JSON value in {@code json} ends, past the whitespace after it: the length of
   * {@code json} unless something follows the value. JsonFormat reads one value and stops, where
   * protojson (connect-go, grpc-go) refuses trailing content; this finds it. {@code json} starts with
   * a valid value (JsonFormat has just read it), so brackets and strings only need matching.
   */
  static int endOfFirstValue(String json) {
    int n = json.length();
    int i = skipWhitespace(json, 0);
    if (i == n) {
      return n;
    }
    char c = json.charAt(i);
    if (c == '{' || c == '[' || c == '"') {
      int depth = 0;
      boolean inString = false;
      for (; i < n; i++) {
        c = json.charAt(i);
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
            if (depth == 0) {
              return skipWhitespace(json, i + 1);
            }
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{' || c == '[') {
          depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
          return skipWhitespace(json, i + 1);
        }
      }
      return n;
    }
    while (i < n && isLiteralChar(json.charAt(i))) { // a number, true, false or null
      i++;
    }
    return skipWhitespace(json, i);
  }

  private static boolean isLiteralChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '+'
        || c == '.';
  }

  private static int skipWhitespace(String json, int from) {
    int i = from;
    while (i < json.length()) {
      char c = json.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      i++;
    }
    return i;
  }

  private static String reason(Exception e) {
    String m = e.getMessage();
    if (m == null && e.getCause() != null) {
      m = e.getCause().getMessage();
    }
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    // JsonFormat passes on the messages of what gson throws as "java.io.EOFException: End of input ..."
    return EXCEPTION_PREFIX.matcher(m).replaceFirst("");
  }

  private RuntimeException invalid(String why, Exception cause) {
    Status status = Status.INTERNAL.withDescription("invalid " + typeName() + " JSON: " + why);
    return (cause == null ? status : status.withCause(cause)).asException();
  }

  /** Protobuf messages are immutable: the in-process transport may hand them over as they are. */
  @Override
  public boolean immutableMessages() {
    return true;
  }

  /**
   * Codecs are equal when they are for the same message class and descriptor and use the same
   * type registry: they then read and write the same messages in the same JSON.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ProtobufJsonCodec<?> other && defaultInstance.getClass() == other.defaultInstance.getClass()
        && descriptor() == other.descriptor() && registry == other.registry;
  }

  @Override
  public int hashCode() {
    return 31 * descriptor().getFullName().hashCode() + System.identityHashCode(registry);
  }

  @Override
  public String toString() {
    return "ProtobufJsonCodec{" + typeName() + "}";
  }

  /**
   * The text {@link #encodedSize} printed last on this thread, for the {@link #encode} that follows.
   * Keyed by identity: protobuf messages are immutable, so the same instance prints the same text.
   */
  private static final class Printed {
    Object codec;
    Object message;
    byte[] json;

    void keep(Object codec, Object message, byte[] json) {
      this.codec = codec;
      this.message = message;
      this.json = json;
    }

    void clear() {
      keep(null, null, null);
    }
  }
}
