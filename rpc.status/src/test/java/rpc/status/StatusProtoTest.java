package rpc.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;

class StatusProtoTest {
  static final com.google.rpc.Status INVALID = com.google.rpc.Status.newBuilder()
      .setCode(Status.Code.INVALID_ARGUMENT.value())
      .setMessage("name is required")
      .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(
          BadRequest.FieldViolation.newBuilder().setField("name").setDescription("empty")).build()))
      .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(Duration.newBuilder().setSeconds(3)).build()))
      .build();

  @Test
  void theExceptionCarriesCodeMessageAndTheWholeStatus() {
    Metadata extra = new Metadata().put("x-request-id", "42");
    StatusException e = StatusProto.toStatusException(INVALID, extra);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.status().code());
    assertEquals("name is required", e.status().description());
    assertEquals("42", e.trailers().get("x-request-id"));
    assertEquals(INVALID, StatusProto.fromThrowable(e));
    assertEquals(INVALID, StatusProto.fromThrowable(new CompletionException(e)), "found through the cause chain");
    assertEquals("name", StatusProto.detail(e, BadRequest.class).orElseThrow().getFieldViolations(0).getField());
    assertEquals(3, StatusProto.detail(e, RetryInfo.class).orElseThrow().getRetryDelay().getSeconds());
    assertFalse(StatusProto.detail(e, ErrorInfo.class).isPresent());
    assertNull(extra.getBinary(StatusProto.DETAILS_KEY), "the caller's trailers are copied, not changed");
  }

  @Test
  void aCauseChainThatLoopsBackEndsTheSearch() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertNull(StatusProto.fromThrowable(a));
    assertFalse(StatusProto.detail(a, BadRequest.class).isPresent());
    assertEquals(Status.Code.UNKNOWN, Status.fromThrowable(a).code());
    StatusException inside = StatusProto.toStatusException(INVALID);
    RuntimeException c = new RuntimeException("c", inside);
    assertEquals(INVALID, StatusProto.fromThrowable(new RuntimeException("d", c)));
  }

  @Test
  void okAndUnknownCodesAreRefused() {
    IllegalArgumentException ok = assertThrows(IllegalArgumentException.class,
        () -> StatusProto.toStatusException(com.google.rpc.Status.getDefaultInstance()));
    assertTrue(ok.getMessage().contains("OK"), ok.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> StatusProto.toStatusException(com.google.rpc.Status.newBuilder().setCode(17).build()));
    assertThrows(IllegalArgumentException.class,
        () -> StatusProto.toStatusException(com.google.rpc.Status.newBuilder().setCode(-1).build()));
  }

  @Test
  void withoutDetailsTheCallsOwnStatusIsDescribed() {
    com.google.rpc.Status own = StatusProto.fromStatusAndTrailers(
        Status.UNAVAILABLE.withDescription("cannot connect"), new Metadata());
    assertEquals(Status.Code.UNAVAILABLE.value(), own.getCode());
    assertEquals("cannot connect", own.getMessage());
    assertEquals(0, own.getDetailsCount());
    assertNull(StatusProto.fromThrowable(new IllegalStateException("no status here")));
    assertFalse(StatusProto.detail(new IllegalStateException(), BadRequest.class).isPresent());
  }

  @Test
  void detailsThatDoNotParseOrDisagreeWithTheCallAreIgnored() {
    Metadata garbage = new Metadata().putBinary(StatusProto.DETAILS_KEY, new byte[] {(byte) 0xff, 0x01, 0x02});
    com.google.rpc.Status fromGarbage = StatusProto.fromStatusAndTrailers(Status.INTERNAL.withDescription("x"), garbage);
    assertEquals(Status.Code.INTERNAL.value(), fromGarbage.getCode());
    assertEquals(0, fromGarbage.getDetailsCount());

    Metadata otherCode = new Metadata().putBinary(StatusProto.DETAILS_KEY, INVALID.toByteArray());
    com.google.rpc.Status mismatch = StatusProto.fromStatusAndTrailers(Status.NOT_FOUND, otherCode);
    assertEquals(Status.Code.NOT_FOUND.value(), mismatch.getCode(), "grpc-status wins over a disagreeing details trailer");
    assertEquals(0, mismatch.getDetailsCount());
  }
}
