package rpc.codec.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Empty;
import com.google.protobuf.Field;
import com.google.protobuf.Int64Value;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.NullValue;
import com.google.protobuf.Option;
import com.google.protobuf.SourceContext;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Type;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import rpc.api.Codec;
import rpc.api.Status;
import rpc.api.StatusException;

class ProtobufJsonCodecTest {
  private static final ProtobufJsonCodec<Type> TYPE = ProtobufJsonCodec.of(Type.getDefaultInstance());

  private static <T extends Message> String json(Codec<T> codec, T message) {
    return new String(codec.toByteArray(message), StandardCharsets.UTF_8);
  }

  private static <T extends Message> T parse(Codec<T> codec, String json) {
    return codec.fromByteArray(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writesCompactCanonicalJsonWithLowerCamelCaseNames() {
    Type type = Type.newBuilder().setName("t.T")
        .setSourceContext(SourceContext.newBuilder().setFileName("t.proto"))
        .addFields(Field.newBuilder().setName("big_number").setNumber(1).setKind(Field.Kind.TYPE_INT64)
            .setTypeUrl("x").setJsonName("bigNumber"))
        .build();
    assertEquals("{\"name\":\"t.T\",\"fields\":[{\"kind\":\"TYPE_INT64\",\"number\":1,\"name\":\"big_number\","
        + "\"typeUrl\":\"x\",\"jsonName\":\"bigNumber\"}],\"sourceContext\":{\"fileName\":\"t.proto\"}}",
        json(TYPE, type));
    assertEquals(type, parse(TYPE, json(TYPE, type)));
    // 64-bit integers are strings in proto3 JSON
    ProtobufJsonCodec<Int64Value> int64 = ProtobufJsonCodec.of(Int64Value.getDefaultInstance());
    assertEquals("\"9007199254740993\"", json(int64, Int64Value.of(9007199254740993L)));
    assertEquals(9007199254740993L, parse(int64, "\"9007199254740993\"").getValue());
    assertEquals("json", TYPE.format());
    assertEquals("google.protobuf.Type", TYPE.typeName());
    assertTrue(TYPE.immutableMessages());
  }

  @Test
  void readsProtoNamesAndJsonNamesAlike() {
    Type expected = Type.newBuilder().setName("n")
        .setSourceContext(SourceContext.newBuilder().setFileName("f.proto")).build();
    assertEquals(expected, parse(TYPE, "{\"name\":\"n\",\"source_context\":{\"file_name\":\"f.proto\"}}"));
    assertEquals(expected, parse(TYPE, "{\"name\":\"n\",\"sourceContext\":{\"fileName\":\"f.proto\"}}"));
  }

  @Test
  void ignoresUnknownFields() {
    Type parsed = parse(TYPE, "{\"name\":\"n\",\"addedLater\":{\"deep\":[1,2,{\"x\":null}]},"
        + "\"fields\":[{\"number\":7,\"alsoNew\":\"v\"}],\"ENUM_LIKE\":\"A\",\"syntax\":\"SYNTAX_OF_2030\"}");
    assertEquals(Type.newBuilder().setName("n").addFields(Field.newBuilder().setNumber(7)).build(), parsed);
  }

  @Test
  void emptyMessageIsAnEmptyObject() {
    ProtobufJsonCodec<Empty> empty = ProtobufJsonCodec.of(Empty.getDefaultInstance());
    assertEquals("{}", json(empty, Empty.getDefaultInstance()));
    assertEquals(Empty.getDefaultInstance(), parse(empty, "{}"));
    assertEquals("{}", json(TYPE, Type.getDefaultInstance()));
    assertEquals(Type.getDefaultInstance(), parse(TYPE, " { } "));
  }

  @Test
  void roundTripsWellKnownTypes() {
    ProtobufJsonCodec<Timestamp> ts = ProtobufJsonCodec.of(Timestamp.getDefaultInstance());
    Timestamp t = Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(500_000_000).build();
    assertEquals("\"2023-11-14T22:13:20.500Z\"", json(ts, t));
    assertEquals(t, parse(ts, json(ts, t)));

    ProtobufJsonCodec<Duration> d = ProtobufJsonCodec.of(Duration.getDefaultInstance());
    Duration duration = Duration.newBuilder().setSeconds(90).setNanos(250_000_000).build();
    assertEquals("\"90.250s\"", json(d, duration));
    assertEquals(duration, parse(d, json(d, duration)));

    ProtobufJsonCodec<Struct> s = ProtobufJsonCodec.of(Struct.getDefaultInstance());
    Struct struct = Struct.newBuilder()
        .putFields("text", Value.newBuilder().setStringValue("é ✓").build())
        .putFields("n", Value.newBuilder().setNumberValue(1.5).build())
        .putFields("nothing", Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build())
        .putFields("list", Value.newBuilder().setListValue(ListValue.newBuilder()
            .addValues(Value.newBuilder().setBoolValue(true))).build())
        .build();
    assertEquals(struct, parse(s, json(s, struct)));
    assertEquals(struct.getFieldsOrThrow("list"),
        parse(s, "{\"list\":[true],\"n\":1.5,\"text\":\"é ✓\",\"nothing\":null}").getFieldsOrThrow("list"));

    ProtobufJsonCodec<StringValue> wrapper = ProtobufJsonCodec.of(StringValue.getDefaultInstance());
    assertEquals("\"hi\"", json(wrapper, StringValue.of("hi")));
  }

  @Test
  void anyNeedsItsTypeInTheRegistry() {
    Option option = Option.newBuilder().setName("opt")
        .setValue(Any.pack(Field.newBuilder().setName("f").setNumber(2).build())).build();
    ProtobufJsonCodec<Option> plain = ProtobufJsonCodec.of(Option.getDefaultInstance());
    StatusException e = assertThrows(StatusException.class, () -> plain.encodedSize(option));
    assertEquals(Status.Code.INTERNAL, e.status().code());
    assertTrue(e.status().description().contains("google.protobuf.Option"), e.status().description());

    ProtobufJsonCodec<Option> withRegistry = plain.withTypeRegistry(
        JsonFormat.TypeRegistry.newBuilder().add(Field.getDescriptor()).build());
    String text = json(withRegistry, option);
    assertEquals("{\"name\":\"opt\",\"value\":{\"@type\":\"type.googleapis.com/google.protobuf.Field\","
        + "\"number\":2,\"name\":\"f\"}}", text);
    assertEquals(option, parse(withRegistry, text));
    assertThrows(StatusException.class, () -> parse(plain, text));
  }

  @Test
  void malformedJsonFailsInternalNamingTheTypeAndTheFault() {
    String[] bad = {"", "  ", "{", "not json", "[1,2]", "\"text\"", "{\"fields\":\"not a list\"}",
        "{\"name\":\"a\"} trailing", "{\"sourceContext\":{\"fileName\":[]}}", "1 2"};
    for (String json : bad) {
      StatusException e = assertThrows(StatusException.class, () -> parse(TYPE, json), json);
      assertMalformed(e, json);
    }
    assertEquals(Type.newBuilder().setName("a}\"]").build(), parse(TYPE, "{\"name\":\"a}\\\"]\"}\n"));
    assertMalformed(assertThrows(StatusException.class, () -> parse(TYPE, "{\"name\":\"a}\\\"]\"}}")), "}");
    ProtobufJsonCodec<Int64Value> int64 = ProtobufJsonCodec.of(Int64Value.getDefaultInstance());
    assertEquals(12, parse(int64, " 12 ").getValue());
    for (String json : new String[] {"1 2", "1,2", "\"1\"\"2\""}) {
      StatusException e = assertThrows(StatusException.class, () -> parse(int64, json), json);
      assertTrue(e.status().description().startsWith("invalid google.protobuf.Int64Value JSON: unexpected"),
          e.status().description());
    }
    StatusException e = assertThrows(StatusException.class,
        () -> TYPE.fromByteArray(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'}));
    assertMalformed(e, "invalid UTF-8");
    assertTrue(e.status().description().contains("UTF-8"), e.status().description());
  }

  private static void assertMalformed(StatusException e, String input) {
    assertEquals(Status.Code.INTERNAL, e.status().code(), input);
    String d = e.status().description();
    assertTrue(d.startsWith("invalid google.protobuf.Type JSON: "), d);
    assertTrue(d.length() > "invalid google.protobuf.Type JSON: ".length() + 3, d);
    assertFalse(d.contains("\tat ") || d.contains("\n") || d.contains("Exception"), "a stack trace in: " + d);
  }

  @Test
  void encodeWritesWhatEncodedSizeMeasuredIntoHeapAndDirectBuffers() {
    Type a = Type.newBuilder().setName("a").build();
    Type b = Type.newBuilder().setName("bb").build();
    for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64)}) {
      buf.position(5); // the transport writes its prefix first
      int size = TYPE.encodedSize(a);
      TYPE.encode(a, buf);
      assertEquals(5 + size, buf.position());
      buf.flip().position(5);
      assertEquals(a, TYPE.decode(buf));
      assertFalse(buf.hasRemaining());
    }
    // sized one message, then another, then encodes the first: still the first's text
    TYPE.encodedSize(a);
    TYPE.encodedSize(b);
    ByteBuffer buf = ByteBuffer.allocate(64);
    TYPE.encode(a, buf);
    assertEquals("{\"name\":\"a\"}", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    // an equal codec of another instance prints for itself
    ProtobufJsonCodec<Type> other = ProtobufJsonCodec.of(Type.getDefaultInstance());
    assertEquals(TYPE.encodedSize(b), other.encodedSize(b));
    assertEquals("{\"name\":\"bb\"}", json(other, b));
  }

  @Test
  void manyThreadsEncodeAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            Type m = Type.newBuilder().setName("t" + thread + "-" + i).build();
            byte[] out = new byte[TYPE.encodedSize(m)];
            TYPE.encode(m, ByteBuffer.wrap(out));
            assertEquals(m, TYPE.fromByteArray(out));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void offersTheBinaryCodecAndTheBinaryCodecOffersIt() {
    ProtobufCodec<Type> binary = ProtobufCodec.of(Type.getDefaultInstance());
    assertSame(binary, binary.inFormat("proto"));
    Codec<Type> json = binary.inFormat("json");
    assertEquals(TYPE, json);
    assertSame(json, binary.inFormat("json"));
    assertSame(binary, json.inFormat("proto"));
    assertEquals(binary, TYPE.inFormat("proto"));
    assertSame(TYPE, TYPE.inFormat("json"));
    assertNull(TYPE.inFormat("xml"));
    assertNull(binary.inFormat("xml"));
    assertEquals("proto", binary.format());
    // a parser-only codec (as for lite messages) has no descriptor to write JSON from
    assertNull(ProtobufCodec.of(Type.parser(), "google.protobuf.Type").inFormat("json"));
    Type m = Type.newBuilder().setName("both").build();
    assertEquals(m, binary.fromByteArray(json.inFormat("proto").toByteArray(m)));
  }

  @Test
  void codecsOfTheSameTypeAndRegistryAreEqual() {
    assertEquals(TYPE, ProtobufJsonCodec.of(Type.getDefaultInstance()));
    assertEquals(TYPE.hashCode(), ProtobufJsonCodec.of(Type.getDefaultInstance()).hashCode());
    assertNotEquals(TYPE, ProtobufJsonCodec.of(Field.getDefaultInstance()));
    JsonFormat.TypeRegistry registry = JsonFormat.TypeRegistry.newBuilder().add(Field.getDescriptor()).build();
    assertNotEquals(TYPE, TYPE.withTypeRegistry(registry));
    assertEquals(TYPE.withTypeRegistry(registry), TYPE.withTypeRegistry(registry));
    assertSame(registry, TYPE.withTypeRegistry(registry).typeRegistry());
    assertNotEquals(ProtobufCodec.of(Type.getDefaultInstance()), TYPE);
    assertNotEquals(TYPE, ProtobufCodec.of(Type.getDefaultInstance()));
  }
}
