package rpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import rpc.codegen.internal.Generator;

class ProtocPluginTest {

  /** A file without package or java_package: default Java package, service name without dots. */
  private static FileDescriptorProto bareFile(String... methods) {
    ServiceDescriptorProto.Builder service = ServiceDescriptorProto.newBuilder().setName("Bare");
    for (String m : methods) {
      service.addMethod(MethodDescriptorProto.newBuilder().setName(m).setInputType(".Msg").setOutputType(".Msg"));
    }
    return FileDescriptorProto.newBuilder().setName("bare.proto").setSyntax("proto3")
        .addMessageType(DescriptorProto.newBuilder().setName("Msg"))
        .addService(service).build();
  }

  private static CodeGeneratorRequest request(FileDescriptorProto file, String parameter) {
    return CodeGeneratorRequest.newBuilder().addProtoFile(file).addFileToGenerate(file.getName())
        .setParameter(parameter).build();
  }

  @Test
  void fileWithoutPackageGoesToTheDefaultPackage() {
    CodeGeneratorResponse response = Generator.generate(request(bareFile("Go"), ""));
    assertFalse(response.hasError(), response.getError());
    assertEquals("BareRpc.java", response.getFile(0).getName());
    String source = response.getFile(0).getContent();
    assertFalse(source.contains("package "), source);
    assertTrue(source.contains("MethodDescriptor.of(\"Bare/Go\""), source);
    // the service is called like the file, so protoc names the outer class BareOuterClass
    assertTrue(source.contains("rpc.api.MethodDescriptor<BareOuterClass.Msg, BareOuterClass.Msg> GO ="), source);
  }

  @Test
  void liteOptionLeavesOutDescriptors() {
    CodeGeneratorResponse response = Generator.generate(request(bareFile("Go"), "lite"));
    assertFalse(response.hasError(), response.getError());
    String source = response.getFile(0).getContent();
    assertFalse(source.replace("MethodDescriptor", "").contains("Descriptor"), source);
    assertFalse(source.contains("withSchema"), source);
  }

  @Test
  void unknownOptionIsAnError() {
    CodeGeneratorResponse response = Generator.generate(request(bareFile("Go"), "lite,fast"));
    assertTrue(response.getError().contains("unknown option 'fast'"), response.getError());
    assertEquals(0, response.getFileCount());
  }

  @Test
  void methodsWithTheSameJavaNameAreAnError() {
    CodeGeneratorResponse response = Generator.generate(request(bareFile("get_thing", "GetThing"), ""));
    assertTrue(response.getError().contains("get_thing and GetThing"), response.getError());
    assertTrue(response.getError().contains("bare.proto"), response.getError());
    assertEquals(0, response.getFileCount());
  }

  @Test
  void extraClientMethodsGiveWayToRpcsOfTheirName() {
    // Declared before the RPCs whose extra methods they are named like: the order must not matter.
    FileDescriptorProto file = bareFile("GoAsync", "Go").toBuilder()
        .setService(0, bareFile("GoAsync", "Go").getService(0).toBuilder()
            .addMethod(MethodDescriptorProto.newBuilder().setName("WatchStream").setInputType(".Msg")
                .setOutputType(".Msg"))
            .addMethod(MethodDescriptorProto.newBuilder().setName("Watch").setInputType(".Msg").setOutputType(".Msg")
                .setServerStreaming(true)))
        .build();
    CodeGeneratorResponse response = Generator.generate(request(file, ""));
    assertFalse(response.hasError(), response.getError());
    String source = response.getFile(0).getContent();
    String msg = "BareOuterClass.Msg";
    assertTrue(source.contains("public " + msg + " goAsync(" + msg + " request) {"), source);
    assertTrue(source.contains("CompletableFuture<" + msg + "> goAsync_(" + msg + " request) {"), source);
    assertTrue(source.contains("CompletableFuture<" + msg + "> goAsyncAsync(" + msg + " request) {"), source);
    assertTrue(source.contains("public " + msg + " watchStream(" + msg + " request) {"), source);
    assertTrue(source.contains("java.util.stream.Stream<" + msg + "> watchStream_(" + msg + " request) {"), source);
  }

  @Test
  void rpcClassNamedLikeAProtocClassIsAnError() {
    FileDescriptorProto file = bareFile("Go").toBuilder()
        .setOptions(com.google.protobuf.DescriptorProtos.FileOptions.newBuilder().setJavaOuterClassname("BareRpc"))
        .build();
    CodeGeneratorResponse response = Generator.generate(request(file, ""));
    assertTrue(response.getError().contains("needs the class BareRpc"), response.getError());
    assertEquals(0, response.getFileCount());
  }

  @Test
  void unknownMessageTypeIsAnError() {
    FileDescriptorProto file = bareFile("Go").toBuilder()
        .setService(0, ServiceDescriptorProto.newBuilder().setName("Bare")
            .addMethod(MethodDescriptorProto.newBuilder().setName("Go").setInputType(".Nope").setOutputType(".Msg")))
        .build();
    CodeGeneratorResponse response = Generator.generate(request(file, ""));
    assertTrue(response.getError().contains(".Nope"), response.getError());
  }

  @Test
  void mainReadsTheRequestFromStdinAndWritesTheResponseToStdout() throws Exception {
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(request(bareFile("Go"), "").toByteArray()));
      System.setOut(new PrintStream(out, true));
      ProtocPlugin.main(new String[0]);
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
    }
    CodeGeneratorResponse response = CodeGeneratorResponse.parseFrom(out.toByteArray());
    assertEquals(CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE, response.getSupportedFeatures());
    assertEquals("BareRpc.java", response.getFile(0).getName());
  }
}
