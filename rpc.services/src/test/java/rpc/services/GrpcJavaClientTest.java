package rpc.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Server;
import rpc.services.testing.greet.GreeterRpc;

/**
 * grpc-java 1.85's own health and reflection stubs ({@code io.grpc.health.v1},
 * {@code io.grpc.reflection.v1}, from grpc-services) against an rpc server over h2c: what
 * grpc_health_probe and grpcurl do, from another gRPC implementation.
 */
@Timeout(30)
class GrpcJavaClientTest {
  private HealthService health;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    health = HealthService.create();
    server = Fixtures.start("127.0.0.1:0", health, ReflectionService.create());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    assertTrue(channel.awaitTermination(10, TimeUnit.SECONDS));
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  private HealthGrpc.HealthBlockingStub healthStub() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static HealthCheckRequest ask(String service) {
    return HealthCheckRequest.newBuilder().setService(service).build();
  }

  @Test
  void healthCheck() {
    assertEquals(ServingStatus.SERVING, healthStub().check(ask("")).getStatus());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> healthStub().check(ask(GreeterRpc.SERVICE_NAME)));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    health.setStatus(GreeterRpc.SERVICE_NAME, rpc.services.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING);
    assertEquals(ServingStatus.NOT_SERVING, healthStub().check(ask(GreeterRpc.SERVICE_NAME)).getStatus());
  }

  @Test
  void healthWatchSeesChangesAndShutdown() {
    Iterator<HealthCheckResponse> watch = healthStub().watch(ask(GreeterRpc.SERVICE_NAME));
    assertEquals(ServingStatus.SERVICE_UNKNOWN, watch.next().getStatus());
    health.setStatus(GreeterRpc.SERVICE_NAME, rpc.services.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    assertEquals(ServingStatus.SERVING, watch.next().getStatus());
    server.shutdown();
    assertEquals(ServingStatus.NOT_SERVING, watch.next().getStatus());
  }

  /** A reflection stream driven one question at a time, as grpcurl drives it. */
  private final class Reflection implements AutoCloseable {
    private final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final StreamObserver<ServerReflectionRequest> requests;

    Reflection() {
      requests = ServerReflectionGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse value) {
              answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
              answers.add(t);
              done.countDown();
            }

            @Override
            public void onCompleted() {
              done.countDown();
            }
          });
    }

    ServerReflectionResponse ask(ServerReflectionRequest request) throws InterruptedException {
      requests.onNext(request);
      Object answer = answers.poll(10, TimeUnit.SECONDS);
      if (answer instanceof Throwable t) {
        throw new AssertionError("reflection call failed", t);
      }
      assertTrue(answer != null, "no answer within 10 s");
      return (ServerReflectionResponse) answer;
    }

    @Override
    public void close() throws InterruptedException {
      requests.onCompleted();
      assertTrue(done.await(10, TimeUnit.SECONDS), "the server ended the stream");
      assertTrue(answers.isEmpty(), () -> "unexpected " + answers);
    }
  }

  @Test
  void reflectionListServicesAndFileContainingSymbol() throws Exception {
    try (Reflection reflection = new Reflection()) {
      ServerReflectionResponse list = reflection.ask(ServerReflectionRequest.newBuilder().setListServices("").build());
      List<String> names = list.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
      assertTrue(names.containsAll(List.of(GreeterRpc.SERVICE_NAME, "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection")), names::toString);

      ServerReflectionResponse files = reflection.ask(ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol(GreeterRpc.SERVICE_NAME + ".SayHello").build());
      List<String> fileNames = new ArrayList<>();
      for (ByteString bytes : files.getFileDescriptorResponse().getFileDescriptorProtoList()) {
        fileNames.add(FileDescriptorProto.parseFrom(bytes).getName());
      }
      assertEquals(List.of(AbstractReflectionTest.GREETER_FILE, AbstractReflectionTest.COMMON_FILE,
          AbstractReflectionTest.EXTENSIONS_FILE, AbstractReflectionTest.TIMESTAMP_FILE), fileNames);
      FileDescriptorProto greeter = FileDescriptorProto.parseFrom(files.getFileDescriptorResponse().getFileDescriptorProto(0));
      assertEquals("SayHello", greeter.getService(0).getMethod(0).getName());

      ServerReflectionResponse missing = reflection.ask(ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol("no.Such").build());
      assertEquals(Status.Code.NOT_FOUND.value(), missing.getErrorResponse().getErrorCode());
    }
  }

  @Test
  void reflectionV1alphaListServices() throws Exception {
    BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
            .serverReflectionInfo(new StreamObserver<>() {
              @Override
              public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
                answers.add(value);
              }

              @Override
              public void onError(Throwable t) {
                answers.add(t);
              }

              @Override
              public void onCompleted() {
                answers.add("completed");
              }
            });
    requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
    var response = assertInstanceOf(io.grpc.reflection.v1alpha.ServerReflectionResponse.class,
        answers.poll(10, TimeUnit.SECONDS));
    assertEquals(5, response.getListServicesResponse().getServiceCount());
    requests.onCompleted();
    assertEquals("completed", answers.poll(10, TimeUnit.SECONDS));
  }
}
