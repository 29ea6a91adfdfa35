package rpc.codegen.internal;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The comments of a {@code .proto} file, found through its {@code SourceCodeInfo} and made safe to
 * put inside a Javadoc comment.
 *
 * <p>Not thread-safe: built and used by one generator run.
 */
public final class Javadoc {

  // Field numbers in descriptor.proto that make up the paths of SourceCodeInfo locations.
  private static final int FILE_SERVICE = 6;
  private static final int SERVICE_METHOD = 2;

  private final Map<List<Integer>, String> leadingComments = new HashMap<>();

  /** Reads the leading comments of {@code file}; a file without source info has none. */
  public Javadoc(FileDescriptorProto file) {
    for (Location location : file.getSourceCodeInfo().getLocationList()) {
      if (location.hasLeadingComments()) {
        leadingComments.putIfAbsent(List.copyOf(location.getPathList()), location.getLeadingComments());
      }
    }
  }

  /** The comment lines written before service {@code serviceIndex}, escaped; empty if none. */
  public List<String> service(int serviceIndex) {
    return lines(leadingComments.get(List.of(FILE_SERVICE, serviceIndex)));
  }

  /** The comment lines written before method {@code methodIndex} of a service, escaped; empty if none. */
  public List<String> method(int serviceIndex, int methodIndex) {
    return lines(leadingComments.get(List.of(FILE_SERVICE, serviceIndex, SERVICE_METHOD, methodIndex)));
  }

  /**
   * Splits a protobuf comment into escaped Javadoc lines: the one space after {@code //} goes,
   * trailing blanks go, blank lines at either end go, and a blank line inside starts a new
   * paragraph ({@code <p>} on the line that follows it).
   */
  static List<String> lines(String comment) {
    List<String> out = new ArrayList<>();
    if (comment == null) {
      return out;
    }
    boolean paragraphBreak = false;
    for (String raw : comment.split("\n", -1)) {
      String line = raw.startsWith(" ") ? raw.substring(1) : raw;
      line = line.stripTrailing();
      if (line.isEmpty()) {
        paragraphBreak = !out.isEmpty();
        continue;
      }
      if (paragraphBreak) {
        out.add("");
        out.add("<p>" + escape(line));
        paragraphBreak = false;
      } else {
        out.add(escape(line));
      }
    }
    return out;
  }

  /**
   * Escapes text for the inside of a Javadoc comment: {@code *}{@code /} cannot end the comment,
   * {@code @} cannot start a tag, {@code <}, {@code >} and {@code &} are shown as text, and a
   * backslash cannot start a Unicode escape (javac translates those before it sees comments).
   */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '@' -> out.append("&#64;");
        case '\\' -> out.append("&#92;");
        case '/' -> out.append(i > 0 && text.charAt(i - 1) == '*' ? "&#47;" : "/");
        case '\r' -> { }
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
