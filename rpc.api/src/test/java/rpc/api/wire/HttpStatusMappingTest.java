package rpc.api.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import rpc.api.Status.Code;

class HttpStatusMappingTest {

  @Test
  void httpStatusesMapAsTheSpecificationSays() {
    assertEquals(Code.INTERNAL, HttpStatusMapping.codeForHttpStatus(400));
    assertEquals(Code.UNAUTHENTICATED, HttpStatusMapping.codeForHttpStatus(401));
    assertEquals(Code.PERMISSION_DENIED, HttpStatusMapping.codeForHttpStatus(403));
    assertEquals(Code.UNIMPLEMENTED, HttpStatusMapping.codeForHttpStatus(404));
    for (int s : new int[] {429, 502, 503, 504}) {
      assertEquals(Code.UNAVAILABLE, HttpStatusMapping.codeForHttpStatus(s));
    }
    assertEquals(Code.INTERNAL, HttpStatusMapping.codeForHttpStatus(100));
    assertEquals(Code.UNKNOWN, HttpStatusMapping.codeForHttpStatus(500));
    assertEquals(Code.UNKNOWN, HttpStatusMapping.codeForHttpStatus(415));
    assertTrue(HttpStatusMapping.forHttpStatus(503).description().contains("503"));
  }

  @Test
  void http2ErrorCodes() {
    assertEquals(Code.CANCELLED, HttpStatusMapping.forHttp2ErrorCode(8).code());
    assertEquals(Code.UNAVAILABLE, HttpStatusMapping.forHttp2ErrorCode(7).code());
    assertEquals(Code.RESOURCE_EXHAUSTED, HttpStatusMapping.forHttp2ErrorCode(11).code());
    assertEquals(Code.PERMISSION_DENIED, HttpStatusMapping.forHttp2ErrorCode(12).code());
    assertEquals(Code.INTERNAL, HttpStatusMapping.forHttp2ErrorCode(0).code());
    assertEquals(Code.INTERNAL, HttpStatusMapping.forHttp2ErrorCode(2).code());
    assertEquals(Code.INTERNAL, HttpStatusMapping.forHttp2ErrorCode(0xFFFF_FFFFL).code());
    assertTrue(HttpStatusMapping.forHttp2ErrorCode(8).description().contains("CANCEL"));
    assertEquals("0x63", HttpStatusMapping.http2ErrorName(99));
  }
}
