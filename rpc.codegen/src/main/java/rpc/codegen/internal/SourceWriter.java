package rpc.codegen.internal;

import java.util.List;

/**
 * Builds Java source text line by line at a current indentation of two spaces per level.
 *
 * <p>Not thread-safe.
 */
final class SourceWriter {
  private final StringBuilder out = new StringBuilder(8192);
  private int indent;

  /** Writes one line at the current indentation; an empty line gets no indentation. */
  SourceWriter line(String text) {
    if (!text.isEmpty()) {
      out.append("  ".repeat(indent));
    }
    out.append(text).append('\n');
    return this;
  }

  /** Writes an empty line. */
  SourceWriter blank() {
    out.append('\n');
    return this;
  }

  /** Writes {@code text} and indents what follows one level deeper. */
  SourceWriter open(String text) {
    line(text);
    indent++;
    return this;
  }

  /** Indents one level less and writes {@code text}. */
  SourceWriter close(String text) {
    indent--;
    line(text);
    return this;
  }

  /** Writes {@code text} one level less indented, and goes on at the current level (a {@code catch} line). */
  SourceWriter reopen(String text) {
    indent--;
    line(text);
    indent++;
    return this;
  }

  /** Writes a Javadoc comment whose lines are already escaped; blank entries become {@code " *"}. */
  SourceWriter javadoc(List<String> lines) {
    if (lines.size() == 1) {
      return line("/** " + lines.get(0) + " */");
    }
    line("/**");
    for (String l : lines) {
      line(l.isEmpty() ? " *" : " * " + l);
    }
    return line(" */");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
