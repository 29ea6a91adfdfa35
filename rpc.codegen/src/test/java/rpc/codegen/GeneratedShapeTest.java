package rpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import rpc.codegen.internal.Generator;
import org.junit.jupiter.api.Test;

/** Checks the properties the golden files must have, so a careless golden update cannot lose them. */
class GeneratedShapeTest {

  private static final Map<String, String> SOURCES = new HashMap<>();

  @BeforeAll
  static void generate() throws IOException {
    CodeGeneratorResponse response = Generator.generate(GoldenFiles.request(GoldenFiles.descriptors()));
    for (CodeGeneratorResponse.File f : response.getFileList()) {
      SOURCES.put(f.getName(), f.getContent());
    }
  }

  private static String source(String name) {
    String s = SOURCES.get(name);
    assertTrue(s != null, name + " was not generated: " + SOURCES.keySet());
    return s;
  }

  @Test
  void commentsCannotEscapeTheirJavadoc() {
    for (var e : SOURCES.entrySet()) {
      Matcher m = Pattern.compile("(?s)/\\*\\*(.*?)\\*/").matcher(e.getValue());
      while (m.find()) {
        String body = m.group(1);
        assertFalse(body.contains("\\"), e.getKey() + ": backslash in " + body);
        // Only the generator's own tags: block tags that start a line, and {@code}/{@link}.
        for (String line : body.split("\n")) {
          String text = line.strip().replaceFirst("^\\*\\s*", "")
              .replaceFirst("^@(param|return|throws) ", "")
              .replaceAll("\\{@(code|link) ", "");
          assertFalse(text.contains("@"), e.getKey() + ": tag in " + line);
        }
      }
    }
    String rg = source("dev/rpc/golden/routeguide/RouteGuideRpc.java");
    assertTrue(rg.contains("a *&#47; that would end"), rg);
    assertTrue(rg.contains("&lt;b&gt;markup&lt;/b&gt; &amp; entities"), rg);
    assertTrue(rg.contains("an &#64;author tag"), rg);
  }

  @Test
  void allFourKindsHaveTheirClientAndServiceShapes() {
    String rg = source("dev/rpc/golden/routeguide/RouteGuideRpc.java");
    String p = "dev.rpc.golden.routeguide.";
    assertTrue(rg.contains("public " + p + "Feature getFeature(" + p + "Point request) {"));
    assertTrue(rg.contains("public java.util.concurrent.CompletableFuture<" + p + "Feature> getFeatureAsync(" + p
        + "Point request) {"));
    assertTrue(rg.contains("public rpc.api.ClientStream<" + p + "Rectangle, " + p + "Feature> listFeatures(" + p
        + "Rectangle request) {"));
    assertTrue(rg.contains("public java.util.stream.Stream<" + p + "Feature> listFeaturesStream(" + p
        + "Rectangle request) {\n      return listFeatures(request).responses();\n    }"));
    assertTrue(rg.contains("public rpc.api.ClientStream<" + p + "Point, " + p + "RouteSummary> recordRoute() {"));
    assertTrue(rg.contains("public rpc.api.ClientStream<" + p + "RouteNote, " + p + "RouteNote> routeChat() {"));
    assertTrue(rg.contains("default " + p + "Feature getFeature(" + p
        + "Point request, rpc.api.ServerContext context) throws java.lang.Exception {"));
    assertTrue(rg.contains("default void listFeatures(" + p + "Rectangle request, rpc.api.ServerStream<" + p
        + "Feature, " + p + "Rectangle> responses) throws java.lang.Exception {"));
    assertTrue(rg.contains("default " + p + "RouteSummary recordRoute(rpc.api.ServerStream<" + p + "RouteSummary, " + p
        + "Point> requests) throws java.lang.Exception {"));
    assertTrue(rg.contains("default void routeChat(rpc.api.ServerStream<" + p + "RouteNote, " + p
        + "RouteNote> stream) throws java.lang.Exception {"));
    assertTrue(rg.contains("MethodDescriptor.of(\"routeguide.RouteGuide/RouteChat\", "
        + "rpc.api.MethodDescriptor.Kind.BIDI_STREAMING,"));
    assertTrue(rg.contains(".withSchema(getServiceDescriptor().findMethodByName(\"RouteChat\"));"));
    assertTrue(rg.contains("return dev.rpc.golden.routeguide.RouteGuideProto.getDescriptor();"));
    assertTrue(rg.contains("Method routeguide.RouteGuide/RecordRoute is unimplemented"));
  }

  @Test
  void deprecationIsCarriedOver() {
    String rg = source("dev/rpc/golden/routeguide/RouteGuideRpc.java");
    // constant, blocking, async and service method of GetFeatureOld
    assertEquals(4, count(rg, "@java.lang.Deprecated"));
    assertTrue(source("golden/multi/BetaRpc.java").contains("@java.lang.Deprecated\npublic final class BetaRpc {"));
    assertFalse(source("golden/multi/AlphaRpc.java").contains("@java.lang.Deprecated"));
  }

  @Test
  void messageNamesFollowTheirFilesJavaOptions() {
    assertTrue(source("golden/multi/AlphaRpc.java").contains(
        "rpc.api.MethodDescriptor<golden.multi.TwoServices.Envelope, golden.multi.TwoServices.Envelope.Receipt> SEND"));
    String importer = source("golden/imports/ImporterRpc.java");
    assertTrue(importer.contains("rpc.api.MethodDescriptor<dev.rpc.golden.common.Ping, com.google.protobuf.Empty> FORGET"));
    assertTrue(importer.contains("golden.imports.ImporterProtos.Local.Nested> ECHO"));
    assertTrue(source("dev/rpc/golden/names/odd_serviceRpc.java")
        .contains("return dev.rpc.golden.names.OddNamesOuterClass.getDescriptor();"));
  }

  @Test
  void oddNamesBecomeValidJava() {
    String odd = source("dev/rpc/golden/names/odd_serviceRpc.java");
    assertTrue(odd.contains("public static final java.lang.String SERVICE_NAME = \"golden.names.odd_service\";"));
    assertTrue(odd.contains(".unary(CLASS, impl::class_)"));
    assertTrue(odd.contains("classAsync("));
    // RPCs named like another's extra client methods keep their names; the extra methods give way
    assertTrue(odd.contains("public dev.rpc.golden.names.OddNamesOuterClass.OddNames classAsync("));
    assertTrue(odd.contains("java.util.concurrent.CompletableFuture<dev.rpc.golden.names.OddNamesOuterClass.OddNames> "
        + "classAsync_("));
    assertTrue(odd.contains("ClientStream<dev.rpc.golden.names.OddNamesOuterClass.OddNames, "
        + "dev.rpc.golden.names.OddNamesOuterClass.OddNames> newStream("));
    assertTrue(odd.contains("java.util.stream.Stream<dev.rpc.golden.names.OddNamesOuterClass.OddNames> newStream_("));
    assertTrue(odd.contains("return new_(request).responses();"));
    assertTrue(odd.contains(".serverStreaming(NEW, impl::new_)"));
    assertTrue(odd.contains(".bidiStreaming(TO_STRING, impl::toString_)"));
    assertTrue(odd.contains(".clientStreaming(HTTP_GET, impl::hTTPGet)"));
    assertTrue(odd.contains(".unary(SERVICE_NAME_, impl::serviceName)"));
    assertTrue(odd.contains(".clientStreaming(CHANNEL, impl::channel_)"));
    assertTrue(odd.contains(".unary(GET_FEATURE, impl::getFeature)"));
    assertTrue(odd.contains(".unary(DO_2_THINGS, impl::do2Things)"));
    assertTrue(odd.contains("\"golden.names.odd_service/get_feature\""));
  }

  @Test
  void liteFilesHaveNoDescriptors() {
    String tiny = source("dev/rpc/golden/lite/TinyRpc.java");
    assertFalse(tiny.contains("withSchema"));
    assertFalse(tiny.contains("getFileDescriptor"));
    assertFalse(tiny.contains(".schema("));
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
