package rpc.codec.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import rpc.api.Status;
import rpc.api.StatusException;

class ProtobufCodecTest {
  @Test
  void roundTripsIntoHeapAndDirectBuffers() {
    ProtobufCodec<Struct> codec = ProtobufCodec.of(Struct.getDefaultInstance());
    Struct msg = Struct.newBuilder().putFields("k", Value.newBuilder().setStringValue("v ✓").build()).build();
    for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64)}) {
      buf.position(5); // the transport writes its prefix first
      codec.encode(msg, buf);
      assertEquals(5 + codec.encodedSize(msg), buf.position());
      buf.flip().position(5);
      assertEquals(msg, codec.decode(buf));
    }
    assertTrue(codec.immutableMessages());
    assertEquals("google.protobuf.Struct", codec.typeName());
  }

  @Test
  void garbageFailsInternalNamingTheType() {
    ProtobufCodec<BytesValue> codec = ProtobufCodec.of(BytesValue.getDefaultInstance());
    StatusException e = assertThrows(StatusException.class,
        () -> codec.fromByteArray(new byte[] {0x0a, 0x7f, 0x01}));
    assertEquals(Status.Code.INTERNAL, e.status().code());
    assertTrue(e.status().description().contains("google.protobuf.BytesValue"), e.status().description());
    assertEquals(ByteString.copyFromUtf8("ok"),
        codec.fromByteArray(codec.toByteArray(BytesValue.of(ByteString.copyFromUtf8("ok")))).getValue());
  }

  @Test
  void codecsOfTheSameTypeAreEqual() {
    assertEquals(ProtobufCodec.of(Struct.getDefaultInstance()), ProtobufCodec.of(Struct.getDefaultInstance()));
    assertEquals(ProtobufCodec.of(Struct.getDefaultInstance()).hashCode(),
        ProtobufCodec.of(Struct.getDefaultInstance()).hashCode());
    assertTrue(!ProtobufCodec.of(Struct.getDefaultInstance()).equals(ProtobufCodec.of(Value.getDefaultInstance())));
  }
}
