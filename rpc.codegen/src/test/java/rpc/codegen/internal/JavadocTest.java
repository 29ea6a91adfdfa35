package rpc.codegen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavadocTest {

  @Test
  void escapesWhatWouldBreakOrChangeAJavadocComment() {
    assertEquals("a *&#47; b", Javadoc.escape("a */ b"));
    assertEquals("&lt;b&gt; &amp;amp; &#64;see", Javadoc.escape("<b> &amp; @see"));
    assertEquals("&#92;u002A/", Javadoc.escape("\\u002A/"));
    assertEquals("a/b /* c", Javadoc.escape("a/b /* c"));
  }

  @Test
  void escapedTextNeverEndsTheComment() {
    String nasty = "*/*/ **/ \\u002a\\u002f @*/";
    String escaped = Javadoc.escape(nasty);
    assertFalse(escaped.contains("*/"), escaped);
    assertFalse(escaped.contains("\\"), escaped);
    assertFalse(escaped.contains("@"), escaped);
  }

  @Test
  void linesDropTheCommentSpaceAndMarkParagraphs() {
    assertEquals(List.of("First line.", "second.", "", "<p>New paragraph."),
        Javadoc.lines(" First line.\n second.  \n\n\n New paragraph.\n\n"));
    assertTrue(Javadoc.lines(null).isEmpty());
    assertTrue(Javadoc.lines("\n \n").isEmpty());
  }

  @Test
  void findsLeadingCommentsOfServicesAndMethods() {
    FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("f.proto")
        .setSourceCodeInfo(SourceCodeInfo.newBuilder()
            .addLocation(SourceCodeInfo.Location.newBuilder().addAllPath(List.of(6, 1))
                .setLeadingComments(" Service two.\n"))
            .addLocation(SourceCodeInfo.Location.newBuilder().addAllPath(List.of(6, 1, 2, 0))
                .setLeadingComments(" Method <one>.\n").setTrailingComments(" ignored\n")))
        .build();
    Javadoc docs = new Javadoc(file);
    assertEquals(List.of("Service two."), docs.service(1));
    assertEquals(List.of("Method &lt;one&gt;."), docs.method(1, 0));
    assertTrue(docs.service(0).isEmpty());
    assertTrue(docs.method(1, 1).isEmpty());
  }
}
