package rpc.interop.internal;

import com.google.protobuf.ByteString;
import rpc.interop.testing.Payload;
import rpc.interop.testing.PayloadType;

/** Payloads of zeros, as the interop cases send and expect them. Thread-safe (stateless). */
public final class Payloads {
  private Payloads() {}

  /**
   * A payload of {@code size} zero bytes.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public static Payload zeros(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative payload size: " + size);
    }
    return Payload.newBuilder().setType(PayloadType.COMPRESSABLE).setBody(ByteString.copyFrom(new byte[size])).build();
  }

  /** Whether {@code payload}'s body is {@code size} zero bytes. */
  public static boolean isZeros(Payload payload, int size) {
    ByteString body = payload.getBody();
    if (body.size() != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (body.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
