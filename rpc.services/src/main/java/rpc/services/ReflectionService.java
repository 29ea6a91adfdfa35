package rpc.services;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.services.internal.ReflectionHandler;
import rpc.services.internal.ReflectionIndex;
import rpc.services.internal.ReflectionV1alphaHandler;
import rpc.services.reflection.v1.ServerReflectionRpc;

/**
 * The standard gRPC server reflection service, {@code grpc.reflection.v1.ServerReflection} and its
 * older twin {@code grpc.reflection.v1alpha.ServerReflection}: lets tools such as grpcurl list a
 * server's services and fetch the protobuf files that define them, so they can call methods
 * without compiled stubs.
 * Thread-safe.
 *
 * <p>What it describes comes from the server it is {@linkplain #attach attached} to: every
 * registered service is listed (this one and the health service included), and the files are
 * those of the services' {@linkplain ServiceDefinition#schema() schemas} — the protobuf
 * {@code ServiceDescriptor} that generated code sets — with their transitive imports. A service
 * built by hand without a schema is listed by name, but its methods and messages cannot be
 * described. Answers:
 *
 * <ul>
 *   <li>{@code list_services}: the names of all registered services, in registration order.
 *   <li>{@code file_by_filename}, {@code file_containing_symbol} (a service, method, message,
 *       field, oneof, enum, enum value or extension by full name), {@code file_containing_extension}:
 *       the file as a serialized {@code FileDescriptorProto}, followed by those of its transitive
 *       imports not yet sent on the same stream.
 *   <li>{@code all_extension_numbers_of_type}: the extension numbers the known files declare for a
 *       message type (possibly none).
 *   <li>Anything not found: an {@code error_response} with {@code NOT_FOUND}; the stream stays
 *       open for further questions.
 * </ul>
 *
 * <p>Enabling it: the server's services are known only once it is built, so add the definitions
 * to the builder, then attach the built server (before it starts, so no call finds it detached):
 *
 * <pre>{@code
 * ReflectionService reflection = ReflectionService.create();
 * Server server = Server.newBuilder()
 *     .listen("127.0.0.1:50051")
 *     .addService(greeter.bindService())
 *     .addService(reflection.definition())          // grpc.reflection.v1
 *     .addService(reflection.v1alphaDefinition())   // grpc.reflection.v1alpha
 *     .build();
 * reflection.attach(server);
 * server.start();
 * }</pre>
 *
 * <p>A reflection call on a service not yet attached fails with {@code FAILED_PRECONDITION}.
 */
public final class ReflectionService {
  private final ReentrantLock lock = new ReentrantLock();
  private final ServiceDefinition definition = ServerReflectionRpc.serviceDefinition(new ReflectionHandler(this::index));
  private final ServiceDefinition v1alphaDefinition =
      rpc.services.reflection.v1alpha.ServerReflectionRpc.serviceDefinition(new ReflectionV1alphaHandler(this::index));
  private Server server;
  // Built on the first call: a server's services never change once it is built.
  private volatile ReflectionIndex index;

  private ReflectionService() {}

  /**
   * A reflection service, to add to a server's builder and then {@linkplain #attach attach}.
   *
   * @return a new reflection service
   */
  public static ReflectionService create() {
    return new ReflectionService();
  }

  /**
   * {@return the definition of {@code grpc.reflection.v1.ServerReflection}, for
   * {@code Server.Builder.addService}}
   */
  public ServiceDefinition definition() {
    return definition;
  }

  /**
   * The definition of {@code grpc.reflection.v1alpha.ServerReflection}, for clients that only know
   * that version; add it beside {@link #definition()}.
   *
   * @return the v1alpha service definition
   */
  public ServiceDefinition v1alphaDefinition() {
    return v1alphaDefinition;
  }

  /**
   * Describes {@code server} from now on. Call it once, after {@code build()} and before
   * {@code start()}.
   *
   * @param server the server to describe
   * @throws IllegalArgumentException if {@code server} serves neither {@link #definition()} nor
   *     {@link #v1alphaDefinition()}
   * @throws IllegalStateException if already attached to a server
   */
  public void attach(Server server) {
    Objects.requireNonNull(server, "server");
    if (server.services().stream().noneMatch(s -> s == definition || s == v1alphaDefinition)) {
      throw new IllegalArgumentException(
          "the server does not serve this reflection service: add reflection.definition() to its builder");
    }
    lock.lock();
    try {
      if (this.server != null) {
        throw new IllegalStateException("already attached to " + this.server);
      }
      this.server = server;
    } finally {
      lock.unlock();
    }
  }

  private ReflectionIndex index() {
    ReflectionIndex built = index;
    if (built != null) {
      return built;
    }
    lock.lock();
    try {
      if (index == null) {
        if (server == null) {
          throw new StatusException(Status.FAILED_PRECONDITION.withDescription(
              "server reflection is not attached to its server: call ReflectionService.attach(server)"));
        }
        index = ReflectionIndex.of(server.services());
      }
      return index;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "ReflectionService{" + (server == null ? "not attached" : server) + "}";
    } finally {
      lock.unlock();
    }
  }
}
