package rpc.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Server;
import rpc.api.Status;
import rpc.services.reflection.v1.ExtensionRequest;
import rpc.services.reflection.v1.ServerReflectionRequest;
import rpc.services.reflection.v1.ServerReflectionResponse;
import rpc.services.reflection.v1.ServerReflectionRpc;
import rpc.services.reflection.v1.ServiceResponse;

/** Server reflection through rpc's own generated client; subclasses pick the transport. */
@Timeout(30)
abstract class AbstractReflectionTest {
  static final String GREETER_FILE = "rpc/services/testing/greeter.proto";
  static final String COMMON_FILE = "rpc/services/testing/common.proto";
  static final String EXTENSIONS_FILE = "rpc/services/testing/extensions.proto";
  static final String TIMESTAMP_FILE = "google/protobuf/timestamp.proto";

  private Server server;
  private Channel channel;
  private ClientStream<ServerReflectionRequest, ServerReflectionResponse> stream;

  /** The transport under test. */
  abstract ServicesTransport transport();

  @BeforeEach
  void start() throws Exception {
    ServicesTransport transport = transport();
    server = Fixtures.start(transport.listenAddress(), HealthService.create(), ReflectionService.create());
    channel = Channel.open(transport.target(server));
    stream = ServerReflectionRpc.newClient(channel).serverReflectionInfo();
  }

  @AfterEach
  void stop() throws Exception {
    stream.close();
    channel.shutdownNow();
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  private ServerReflectionResponse ask(ServerReflectionRequest request) {
    stream.send(request);
    ServerReflectionResponse response = stream.receive();
    assertEquals(request, response.getOriginalRequest());
    return response;
  }

  private ServerReflectionResponse symbol(String symbol) {
    return ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
  }

  /** The names of the files in a file_descriptor_response, in order. */
  static List<String> fileNames(ServerReflectionResponse response) {
    assertEquals(ServerReflectionResponse.MessageResponseCase.FILE_DESCRIPTOR_RESPONSE,
        response.getMessageResponseCase(), response::toString);
    List<String> names = new ArrayList<>();
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      names.add(parse(bytes).getName());
    }
    return names;
  }

  static FileDescriptorProto parse(ByteString bytes) {
    try {
      return FileDescriptorProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertNotFound(ServerReflectionResponse response, String mentioned) {
    assertEquals(ServerReflectionResponse.MessageResponseCase.ERROR_RESPONSE, response.getMessageResponseCase());
    assertEquals(Status.Code.NOT_FOUND.value(), response.getErrorResponse().getErrorCode());
    assertTrue(response.getErrorResponse().getErrorMessage().contains(mentioned),
        response.getErrorResponse().getErrorMessage());
  }

  @Test
  void listServicesNamesEveryRegisteredServiceIncludingTheStandardOnes() {
    ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setListServices("*").build());
    List<String> names = response.getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName).toList();
    assertEquals(List.of("rpc.services.testing.Greeter", Fixtures.HAND_BUILT, "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"), names);
  }

  @Test
  void fileByFilenameCarriesTheTransitiveImports() throws Exception {
    ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder()
        .setHost("example.test").setFileByFilename(GREETER_FILE).build());
    assertEquals("example.test", response.getValidHost());
    List<String> names = fileNames(response);
    assertEquals(GREETER_FILE, names.get(0));
    assertEquals(List.of(GREETER_FILE, COMMON_FILE, EXTENSIONS_FILE, TIMESTAMP_FILE), names);

    // What a client gets is enough to rebuild the descriptors without any local copy.
    FileDescriptor greeter = rebuild(response).get(GREETER_FILE);
    assertEquals("Greeter", greeter.findServiceByName("Greeter").getName());
    assertEquals("rpc.services.testing.Stamp",
        greeter.findMessageTypeByName("HelloRequest").findFieldByName("stamp").getMessageType().getFullName());
  }

  @Test
  void fileContainingSymbolFindsEveryKindOfSymbol() {
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("rpc.services.testing.Greeter", GREETER_FILE);                     // service
    expected.put("rpc.services.testing.Greeter.SayHello", GREETER_FILE);            // method
    expected.put("rpc.services.testing.HelloRequest", GREETER_FILE);                // message
    expected.put("rpc.services.testing.HelloRequest.Detail", GREETER_FILE);         // nested message
    expected.put("rpc.services.testing.HelloRequest.Kind", GREETER_FILE);           // nested enum
    expected.put("rpc.services.testing.HelloRequest.KIND_FORMAL", GREETER_FILE);    // enum value (C++ scoping)
    expected.put("rpc.services.testing.HelloRequest.name", GREETER_FILE);           // field
    expected.put("rpc.services.testing.HelloRequest.choice", GREETER_FILE);         // oneof
    expected.put("rpc.services.testing.Farewell", GREETER_FILE);                    // unregistered service, known file
    expected.put("rpc.services.testing.Mood", COMMON_FILE);                         // enum in an import
    expected.put("rpc.services.testing.MOOD_HAPPY", COMMON_FILE);                   // its value
    expected.put("rpc.services.testing.priority", EXTENSIONS_FILE);                 // extension
    expected.put("rpc.services.testing.Holder.label", EXTENSIONS_FILE);             // nested extension
    expected.put("google.protobuf.Timestamp", TIMESTAMP_FILE);                      // transitive import
    expected.put("grpc.health.v1.Health", "grpc/health/v1/health.proto");           // the standard services
    expected.put("grpc.reflection.v1.ServerReflection.ServerReflectionInfo", "grpc/reflection/v1/reflection.proto");
    expected.put("grpc.reflection.v1alpha.ServerReflectionResponse", "grpc/reflection/v1alpha/reflection.proto");
    expected.forEach((symbol, file) -> assertEquals(file, fileNames(symbol(symbol)).get(0), symbol));
  }

  @Test
  void unknownSymbolsAndFilesAreNotFoundAndTheStreamGoesOn() {
    assertNotFound(symbol("rpc.services.testing.Nope"), "rpc.services.testing.Nope");
    assertNotFound(symbol(Fixtures.HAND_BUILT), Fixtures.HAND_BUILT); // listed, but has no schema
    assertNotFound(symbol("rpc.services.testing.Mood.MOOD_HAPPY"), "MOOD_HAPPY"); // not how values are scoped
    assertNotFound(ask(ServerReflectionRequest.newBuilder().setFileByFilename("no/such.proto").build()),
        "no/such.proto");
    assertEquals(GREETER_FILE, fileNames(symbol("rpc.services.testing.Greeter")).get(0));
  }

  @Test
  void eachImportIsSentOncePerStreamButTheRequestedFileAlways() {
    assertEquals(List.of(COMMON_FILE, TIMESTAMP_FILE), fileNames(symbol("rpc.services.testing.Stamp")));
    assertEquals(List.of(GREETER_FILE, EXTENSIONS_FILE), fileNames(symbol("rpc.services.testing.Greeter")));
    assertEquals(List.of(GREETER_FILE), fileNames(symbol("rpc.services.testing.HelloReply")));
    assertEquals(List.of(TIMESTAMP_FILE), fileNames(symbol("google.protobuf.Timestamp")));
  }

  @Test
  void extensionsAreFoundByContainingTypeAndNumber() {
    ServerReflectionResponse found = ask(ServerReflectionRequest.newBuilder().setFileContainingExtension(
        ExtensionRequest.newBuilder().setContainingType("rpc.services.testing.Extendable").setExtensionNumber(150))
        .build());
    assertEquals(List.of(EXTENSIONS_FILE), fileNames(found));
    assertNotFound(ask(ServerReflectionRequest.newBuilder().setFileContainingExtension(
        ExtensionRequest.newBuilder().setContainingType("rpc.services.testing.Extendable").setExtensionNumber(101))
        .build()), "101");

    ServerReflectionResponse numbers = ask(ServerReflectionRequest.newBuilder()
        .setAllExtensionNumbersOfType("rpc.services.testing.Extendable").build());
    assertEquals("rpc.services.testing.Extendable", numbers.getAllExtensionNumbersResponse().getBaseTypeName());
    assertEquals(List.of(100, 150), numbers.getAllExtensionNumbersResponse().getExtensionNumberList());
    ServerReflectionResponse none = ask(ServerReflectionRequest.newBuilder()
        .setAllExtensionNumbersOfType("rpc.services.testing.HelloRequest").build());
    assertEquals(List.of(), none.getAllExtensionNumbersResponse().getExtensionNumberList());
    assertNotFound(ask(ServerReflectionRequest.newBuilder().setAllExtensionNumbersOfType("no.Such").build()),
        "no.Such");
  }

  @Test
  void aRequestWithoutAQuestionGetsAnErrorResponse() {
    ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setHost("h").build());
    assertEquals(Status.Code.UNIMPLEMENTED.value(), response.getErrorResponse().getErrorCode());
  }

  @Test
  void v1alphaGivesTheSameAnswers() {
    try (ClientStream<rpc.services.reflection.v1alpha.ServerReflectionRequest,
        rpc.services.reflection.v1alpha.ServerReflectionResponse> alpha =
        rpc.services.reflection.v1alpha.ServerReflectionRpc.newClient(channel).serverReflectionInfo()) {
      alpha.send(rpc.services.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
      assertEquals(5, alpha.receive().getListServicesResponse().getServiceCount());
      var request = rpc.services.reflection.v1alpha.ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol("rpc.services.testing.Greeter.SayHello").build();
      alpha.send(request);
      var response = alpha.receive();
      assertEquals(request, response.getOriginalRequest());
      List<String> names = new ArrayList<>();
      response.getFileDescriptorResponse().getFileDescriptorProtoList().forEach(b -> names.add(parse(b).getName()));
      assertEquals(List.of(GREETER_FILE, COMMON_FILE, EXTENSIONS_FILE, TIMESTAMP_FILE), names);
      alpha.send(rpc.services.reflection.v1alpha.ServerReflectionRequest.newBuilder()
          .setFileContainingSymbol("no.Such").build());
      assertEquals(Status.Code.NOT_FOUND.value(), alpha.receive().getErrorResponse().getErrorCode());
      alpha.halfClose();
      assertEquals(null, alpha.receive());
      assertTrue(alpha.status().isOk());
    }
  }

  @Test
  void theStreamEndsOkWhenTheClientHalfCloses() {
    assertFalse(fileNames(symbol("rpc.services.testing.Greeter")).isEmpty());
    stream.halfClose();
    assertEquals(null, stream.receive());
    assertTrue(stream.status().isOk());
  }

  /** Builds descriptors from the files of {@code response}, dependencies first. */
  static Map<String, FileDescriptor> rebuild(ServerReflectionResponse response) throws Exception {
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      FileDescriptorProto p = parse(bytes);
      protos.put(p.getName(), p);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    for (String name : protos.keySet()) {
      build(name, protos, built);
    }
    return built;
  }

  private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built) throws Exception {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    assertTrue(proto != null, "the response lacks " + name);
    List<FileDescriptor> deps = new ArrayList<>();
    for (String dep : proto.getDependencyList()) {
      deps.add(build(dep, protos, built));
    }
    FileDescriptor file = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
    built.put(name, file);
    return file;
  }
}
