package rpc.api.internal.balancer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import rpc.api.CallOptions;
import rpc.api.Codec;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;

/**
 * gRFC A17 client-side health checking for one subchannel: a {@code grpc.health.v1.Health/Watch}
 * stream on the subchannel's own connection, reporting each serving status the server sends. The
 * two messages are small enough to encode here, so rpc.api needs no protobuf library:
 * {@code HealthCheckRequest { string service = 1; }} and
 * {@code HealthCheckResponse { ServingStatus status = 1; }}.
 *
 * <p>Thread-safe: {@link #cancel} from any thread; the listener is called on transport threads
 * and must hand its events on.
 */
final class HealthWatch {
  /** The serving statuses of {@code grpc.health.v1.HealthCheckResponse.ServingStatus}. */
  static final int UNKNOWN = 0;
  static final int SERVING = 1;

  /** What the watch reports. */
  interface Listener {
    /** The server's serving status for the service ({@link #SERVING} or another value). */
    void status(int servingStatus);

    /** The stream ended; {@code UNIMPLEMENTED} means the server has no health service. */
    void ended(Status status);
  }

  static final MethodDescriptor<String, Integer> WATCH = MethodDescriptor.of("grpc.health.v1.Health/Watch",
      MethodDescriptor.Kind.SERVER_STREAMING, new RequestCodec(), new ResponseCodec());

  private final ClientCall<String, Integer> call;

  private HealthWatch(ClientCall<String, Integer> call) {
    this.call = call;
  }

  /** Starts watching {@code service} ("" for the whole server) over {@code transport}. */
  static HealthWatch start(ClientTransport transport, String service, Listener listener) {
    ClientCall<String, Integer> call = transport.newCall(WATCH, CallOptions.DEFAULT);
    HealthWatch watch = new HealthWatch(call);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(Integer status) {
        listener.status(status);
        call.request(1);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        listener.ended(status);
      }
    }, new Metadata());
    call.request(1);
    call.send(service);
    call.halfClose();
    return watch;
  }

  void cancel() {
    call.cancel(Status.CANCELLED.withDescription("health check no longer needed"));
  }

  static String statusName(int s) {
    return switch (s) {
      case 0 -> "UNKNOWN";
      case 1 -> "SERVING";
      case 2 -> "NOT_SERVING";
      case 3 -> "SERVICE_UNKNOWN";
      default -> "status " + s;
    };
  }

  /** {@code HealthCheckRequest}: field 1, the service name, length-delimited. */
  private static final class RequestCodec implements Codec<String> {
    @Override
    public int encodedSize(String service) {
      int n = service.getBytes(StandardCharsets.UTF_8).length;
      return n == 0 ? 0 : 1 + varintSize(n) + n;
    }

    @Override
    public void encode(String service, ByteBuffer target) {
      byte[] b = service.getBytes(StandardCharsets.UTF_8);
      if (b.length > 0) {
        target.put((byte) 0x0A);
        writeVarint(target, b.length);
        target.put(b);
      }
    }

    @Override
    public String decode(ByteBuffer source) {
      throw new UnsupportedOperationException("the client only sends requests");
    }
  }

  /** {@code HealthCheckResponse}: field 1, the status enum; every other field is skipped. */
  private static final class ResponseCodec implements Codec<Integer> {
    @Override
    public int encodedSize(Integer message) {
      throw new UnsupportedOperationException("the client only reads responses");
    }

    @Override
    public void encode(Integer message, ByteBuffer target) {
      throw new UnsupportedOperationException("the client only reads responses");
    }

    @Override
    public Integer decode(ByteBuffer in) {
      int status = UNKNOWN;
      while (in.hasRemaining()) {
        long tag = readVarint(in);
        int field = (int) (tag >>> 3);
        switch ((int) (tag & 7)) {
          case 0 -> {
            long v = readVarint(in);
            if (field == 1) {
              status = (int) v;
            }
          }
          case 1 -> skip(in, 8);
          case 2 -> skip(in, (int) readVarint(in));
          case 5 -> skip(in, 4);
          default -> throw new IllegalArgumentException("malformed HealthCheckResponse: wire type " + (tag & 7));
        }
      }
      return status;
    }

    private static void skip(ByteBuffer in, int n) {
      if (n < 0 || n > in.remaining()) {
        throw new IllegalArgumentException("malformed HealthCheckResponse: truncated field");
      }
      in.position(in.position() + n);
    }
  }

  private static int varintSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static void writeVarint(ByteBuffer out, int v) {
    while ((v & ~0x7F) != 0) {
      out.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  private static long readVarint(ByteBuffer in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!in.hasRemaining()) {
        throw new IllegalArgumentException("malformed HealthCheckResponse: truncated varint");
      }
      byte b = in.get();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("malformed HealthCheckResponse: varint too long");
  }
}
