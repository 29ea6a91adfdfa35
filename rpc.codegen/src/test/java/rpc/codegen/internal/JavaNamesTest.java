package rpc.codegen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaNamesTest {

  @Test
  void camelCaseFollowsProtocJavaRules() {
    assertEquals("getFeature", JavaNames.camelCase("get_feature", false));
    assertEquals("sayHello", JavaNames.camelCase("SayHello", false));
    assertEquals("hTTPGet", JavaNames.camelCase("HTTPGet", false));
    assertEquals("do2Things", JavaNames.camelCase("do_2_things", false));
    assertEquals("v2Api", JavaNames.camelCase("v2api", false));
    assertEquals("RouteGuide", JavaNames.camelCase("route_guide", true));
    assertEquals("FooBarBaz", JavaNames.camelCase("foo-bar.baz", true));
    assertEquals("HelloWorld", JavaNames.camelCase("HelloWorld", true));
  }

  @Test
  void methodNamesEscapeKeywordsAndReservedMembers() {
    assertEquals("class_", JavaNames.methodName("Class"));
    assertEquals("new_", JavaNames.methodName("new"));
    assertEquals("toString_", JavaNames.methodName("ToString"));
    assertEquals("channel_", JavaNames.methodName("Channel"));
    assertEquals("bindService_", JavaNames.methodName("BindService"));
    assertEquals("sayHello", JavaNames.methodName("SayHello"));
    assertEquals("classAsync", JavaNames.asyncMethodName("Class"));
    assertEquals("newStream", JavaNames.streamMethodName("new"));
    assertEquals("listFeaturesStream", JavaNames.streamMethodName("ListFeatures"));
    assertThrows(IllegalArgumentException.class, () -> JavaNames.streamMethodName("_"));
    assertThrows(IllegalArgumentException.class, () -> JavaNames.methodName("_"));
  }

  @Test
  void constantNamesAreUpperSnakeCase() {
    assertEquals("SAY_HELLO", JavaNames.constantName("SayHello"));
    assertEquals("GET_FEATURE", JavaNames.constantName("get_feature"));
    assertEquals("HTTP_GET", JavaNames.constantName("HTTPGet"));
    assertEquals("GET_HTTP_RESPONSE", JavaNames.constantName("getHTTPResponse"));
    assertEquals("DO_2_THINGS", JavaNames.constantName("do_2_things"));
    assertEquals("UNARY_CALL2", JavaNames.constantName("UnaryCall2"));
    assertEquals("A_B", JavaNames.constantName("a__b_"));
    assertEquals("SERVICE_NAME_", JavaNames.constantName("ServiceName"));
    assertThrows(IllegalArgumentException.class, () -> JavaNames.constantName("__"));
  }

  @Test
  void outerClassNameFromOptionOrFileName() {
    assertEquals("Explicit", JavaNames.outerClassName(file("a/b.proto")
        .setOptions(FileOptions.newBuilder().setJavaOuterClassname("Explicit")).build()));
    assertEquals("RouteGuide", JavaNames.outerClassName(file("x/route_guide.proto").build()));
    assertEquals("Old", JavaNames.outerClassName(file("old.protodevel").build()));
  }

  @Test
  void outerClassNameGetsSuffixWhenATypeHasTheSameName() {
    assertEquals("FooOuterClass", JavaNames.outerClassName(file("foo.proto")
        .addMessageType(DescriptorProto.newBuilder().setName("Foo")).build()));
    assertEquals("FooOuterClass", JavaNames.outerClassName(file("foo.proto")
        .addService(ServiceDescriptorProto.newBuilder().setName("Foo")).build()));
    assertEquals("FooOuterClass", JavaNames.outerClassName(file("foo.proto")
        .addMessageType(DescriptorProto.newBuilder().setName("Bar")
            .addNestedType(DescriptorProto.newBuilder().setName("Baz")
                .addEnumType(EnumDescriptorProto.newBuilder().setName("Foo")))).build()));
    // protoc's check is exact: a name differing in case does not conflict
    assertEquals("Foo", JavaNames.outerClassName(file("foo.proto")
        .addMessageType(DescriptorProto.newBuilder().setName("FOO")).build()));
  }

  @Test
  void messageClassesDependOnMultipleFilesAndPackage() {
    FileDescriptorProto nested = file("n.proto").setPackage("p.q")
        .addMessageType(DescriptorProto.newBuilder().setName("M")
            .addNestedType(DescriptorProto.newBuilder().setName("Inner"))).build();
    FileDescriptorProto multiple = file("m.proto").setPackage("p.r")
        .setOptions(FileOptions.newBuilder().setJavaMultipleFiles(true).setJavaPackage("com.example"))
        .addMessageType(DescriptorProto.newBuilder().setName("M")
            .addNestedType(DescriptorProto.newBuilder().setName("Inner"))).build();
    FileDescriptorProto noPackage = file("bare.proto")
        .addMessageType(DescriptorProto.newBuilder().setName("Top")).build();
    JavaNames names = new JavaNames(List.of(nested, multiple, noPackage));
    assertEquals("p.q.N.M", names.messageClass(".p.q.M"));
    assertEquals("p.q.N.M.Inner", names.messageClass(".p.q.M.Inner"));
    assertEquals("com.example.M", names.messageClass(".p.r.M"));
    assertEquals("com.example.M.Inner", names.messageClass(".p.r.M.Inner"));
    assertEquals("Bare.Top", names.messageClass(".Top"));
    assertThrows(IllegalArgumentException.class, () -> names.messageClass(".p.q.Missing"));
  }

  private static FileDescriptorProto.Builder file(String name) {
    return FileDescriptorProto.newBuilder().setName(name).setSyntax("proto3");
  }
}
