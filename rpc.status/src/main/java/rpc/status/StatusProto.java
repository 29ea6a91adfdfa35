package rpc.status;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.Objects;
import java.util.Optional;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * gRPC's rich error model: a {@code google.rpc.Status} — code, message and any number of typed
 * details ({@code BadRequest}, {@code RetryInfo}, {@code ErrorInfo}, … from
 * {@code com.google.rpc}) — sent in the {@value #DETAILS_KEY} trailer beside {@code grpc-status}
 * and {@code grpc-message}, as grpc-java's {@code io.grpc.protobuf.StatusProto} and every other
 * gRPC implementation do. Stateless and thread-safe.
 *
 * <p>A server handler throws the exception {@link #toStatusException} makes; the client reads the
 * details back in one call:
 *
 * <pre>{@code
 * // server
 * throw StatusProto.toStatusException(com.google.rpc.Status.newBuilder()
 *     .setCode(Status.Code.INVALID_ARGUMENT.value())
 *     .setMessage("name is required")
 *     .addDetails(Any.pack(BadRequest.newBuilder()
 *         .addFieldViolations(FieldViolation.newBuilder().setField("name").setDescription("empty"))
 *         .build()))
 *     .build());
 *
 * // client
 * try {
 *   greeter.sayHello(request);
 * } catch (StatusException e) {
 *   Optional<BadRequest> bad = StatusProto.detail(e, BadRequest.class);
 * }
 * }</pre>
 *
 * <p>What arrives is the peer's input: a details trailer that does not parse, or whose code
 * differs from the call's {@code grpc-status}, is ignored ({@link #fromStatusAndTrailers} then
 * describes the call's own status), never an exception in the reader.
 */
public final class StatusProto {

  /** The trailer that carries the serialized {@code google.rpc.Status}. */
  public static final String DETAILS_KEY = "grpc-status-details-bin";

  private StatusProto() {}

  /**
   * The exception a handler throws to end its call with {@code status}: the code and message become
   * {@code grpc-status} and {@code grpc-message}, and the whole {@code google.rpc.Status}, details
   * included, travels in the {@value #DETAILS_KEY} trailer.
   *
   * @param status the status to send; its code must be a gRPC code other than OK
   * @return the exception to throw
   * @throws IllegalArgumentException if the code is OK or not a gRPC code (0–16)
   */
  public static StatusException toStatusException(com.google.rpc.Status status) {
    return toStatusException(status, new Metadata());
  }

  /**
   * As {@link #toStatusException(com.google.rpc.Status)}, with more trailers beside the details.
   *
   * @param status the status to send; its code must be a gRPC code other than OK
   * @param trailers other trailers to send (copied; a {@value #DETAILS_KEY} entry in it is replaced)
   * @return the exception to throw
   * @throws IllegalArgumentException if the code is OK or not a gRPC code (0–16)
   */
  public static StatusException toStatusException(com.google.rpc.Status status, Metadata trailers) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(trailers, "trailers");
    int value = status.getCode();
    if (value <= 0 || value > 16) {
      throw new IllegalArgumentException("google.rpc.Status code " + value
          + (value == 0 ? " is OK, which is no error" : " is not a gRPC status code (1-16)"));
    }
    Status code = Status.fromCodeValue(value);
    Status grpcStatus = status.getMessage().isEmpty() ? code : code.withDescription(status.getMessage());
    Metadata all = trailers.copy();
    all.removeAll(DETAILS_KEY);
    all.putBinary(DETAILS_KEY, status.toByteArray());
    return new StatusException(grpcStatus, all);
  }

  /**
   * The {@code google.rpc.Status} a throwable carries: that of the first {@link StatusException} in
   * its cause chain, as {@link #fromStatusAndTrailers} reads it.
   *
   * @param t the throwable (a {@code StatusException}, or one caused by it)
   * @return the status with its details, or null if no {@code StatusException} is in the chain
   */
  public static com.google.rpc.Status fromThrowable(Throwable t) {
    StatusException se = StatusException.find(t);
    return se == null ? null : fromStatusAndTrailers(se.status(), se.trailers());
  }

  /**
   * The {@code google.rpc.Status} of a call that ended with {@code status} and {@code trailers}: the
   * {@value #DETAILS_KEY} trailer if it parses and its code is the call's, otherwise one made of the
   * call's code and description with no details (so a failure the server never described — an
   * unreachable server, a passed deadline — reads the same way).
   *
   * @param status the call's status
   * @param trailers the call's trailers, or null
   * @return the call's status with its details; never null
   */
  public static com.google.rpc.Status fromStatusAndTrailers(Status status, Metadata trailers) {
    Objects.requireNonNull(status, "status");
    if (trailers != null) {
      byte[] bytes = trailers.getBinary(DETAILS_KEY);
      if (bytes != null) {
        try {
          com.google.rpc.Status sent = com.google.rpc.Status.parseFrom(bytes);
          if (sent.getCode() == status.code().value()) {
            return sent;
          }
        } catch (InvalidProtocolBufferException malformed) {
          // the peer's bytes: fall back to the call's own status
        }
      }
    }
    com.google.rpc.Status.Builder own = com.google.rpc.Status.newBuilder().setCode(status.code().value());
    if (status.description() != null) {
      own.setMessage(status.description());
    }
    return own.build();
  }

  /**
   * The first detail of type {@code type} in the status a throwable carries: the one call a client
   * needs to read, say, the {@code BadRequest} of a failed call.
   *
   * @param <T> the detail's message type
   * @param t the throwable (a {@code StatusException}, or one caused by it)
   * @param type the detail's generated message class, such as {@code com.google.rpc.BadRequest.class}
   * @return the detail, or empty if there is none of that type (or no {@code StatusException})
   */
  public static <T extends Message> Optional<T> detail(Throwable t, Class<T> type) {
    com.google.rpc.Status status = fromThrowable(t);
    return status == null ? Optional.empty() : detail(status, type);
  }

  /**
   * The first detail of type {@code type} in {@code status}.
   *
   * @param <T> the detail's message type
   * @param status the status
   * @param type the detail's generated message class
   * @return the detail, or empty if there is none of that type, or it does not parse as one
   */
  public static <T extends Message> Optional<T> detail(com.google.rpc.Status status, Class<T> type) {
    Objects.requireNonNull(type, "type");
    for (Any any : status.getDetailsList()) {
      if (any.is(type)) {
        try {
          return Optional.of(any.unpack(type));
        } catch (InvalidProtocolBufferException malformed) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
