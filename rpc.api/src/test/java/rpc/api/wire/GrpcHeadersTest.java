package rpc.api.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcHeadersTest {

  @Test
  void grpcContentTypes() {
    assertTrue(GrpcHeaders.isGrpcContentType("application/grpc"));
    assertTrue(GrpcHeaders.isGrpcContentType("application/grpc+proto"));
    assertTrue(GrpcHeaders.isGrpcContentType("application/grpc+json"));
    assertTrue(GrpcHeaders.isGrpcContentType("Application/GRPC;charset=utf-8"));
    assertFalse(GrpcHeaders.isGrpcContentType("application/grpcx"));
    assertFalse(GrpcHeaders.isGrpcContentType("application/json"));
    assertFalse(GrpcHeaders.isGrpcContentType("application/grp"));
    assertFalse(GrpcHeaders.isGrpcContentType(null));
  }

  @Test
  void reservedKeysAreNotSent() {
    for (String k : List.of(":path", "grpc-status", "grpc-anything", "content-type", "te", "user-agent", "connection",
        "host", "Transfer-Encoding")) {
      assertTrue(GrpcHeaders.isReservedKey(k), k);
    }
    assertFalse(GrpcHeaders.isReservedKey("x-user"));
    assertFalse(GrpcHeaders.isReservedKey("trace-bin"));
    assertFalse(GrpcHeaders.isReservedKey("grpc-status-details-bin"), "the rich error model's trailer is sent");
    assertFalse(GrpcHeaders.isReservedKey("grpc-previous-rpc-attempts"), "a retried attempt says so");
    assertFalse(GrpcHeaders.isReservedKey("grpc-retry-pushback-ms"), "a server application may push back");
  }

  @Test
  void protocolHeadersAreNotHandedUp() {
    for (String k : List.of(":status", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding",
        "grpc-timeout", "content-type", "te", "connection")) {
      assertTrue(GrpcHeaders.isProtocolHeader(k), k);
    }
    assertFalse(GrpcHeaders.isProtocolHeader("grpc-status-details-bin"));
    assertFalse(GrpcHeaders.isProtocolHeader("user-agent"));
    assertFalse(GrpcHeaders.isProtocolHeader("x-user"));
  }

  @Test
  void http2ForbidsEdgeWhitespace() {
    assertTrue(GrpcHeaders.isHttp2Value(""));
    assertTrue(GrpcHeaders.isHttp2Value("a b"));
    assertFalse(GrpcHeaders.isHttp2Value(" a"));
    assertFalse(GrpcHeaders.isHttp2Value("a "));
    assertFalse(GrpcHeaders.isHttp2Value(" "));
  }

  @Test
  void binaryValuesAreUnpaddedBase64AndBothFormsDecode() {
    byte[] v = {0, 1, 2, (byte) 0xFF};
    String encoded = GrpcHeaders.encodeBinary(v);
    assertEquals("AAEC/w", encoded);
    assertArrayEquals(v, GrpcHeaders.decodeBinary("AAEC/w"));
    assertArrayEquals(v, GrpcHeaders.decodeBinary("AAEC/w=="));
    assertArrayEquals(new byte[0], GrpcHeaders.decodeBinary(""));
    List<byte[]> two = GrpcHeaders.decodeBinaryValues("AAEC/w,AQ==");
    assertEquals(2, two.size());
    assertArrayEquals(new byte[] {1}, two.get(1));
    assertThrows(IllegalArgumentException.class, () -> GrpcHeaders.decodeBinary("not base64!"));
  }
}
