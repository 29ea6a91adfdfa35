package rpc.codegen.internal;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Java names for protobuf elements, following the rules of protoc's own Java generator so that
 * generated code refers to the message classes protoc generates: the Java package
 * ({@code java_package}, else the proto package), the outer class ({@code java_outer_classname},
 * else the camel-cased file name, with {@code OuterClass} appended when a type in the file has that
 * name), and whether messages are nested in the outer class ({@code java_multiple_files}).
 *
 * <p>Not thread-safe: built and used by one generator run.
 */
public final class JavaNames {

  /** Java keywords and literals: never usable as identifiers. */
  private static final Set<String> KEYWORDS = Set.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
      "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
      "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
      "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
      "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void",
      "volatile", "while", "true", "false", "null", "_");

  /**
   * Names a generated RPC method must not take: {@link Object}'s methods (a streaming method has no
   * parameters, so {@code toString()} returning a stream would not compile) and the client's and
   * service interface's own members. Escaped like keywords, in every place, so one RPC has one
   * Java name everywhere.
   */
  private static final Set<String> RESERVED_METHODS = Set.of(
      "getClass", "hashCode", "equals", "toString", "clone", "finalize", "notify", "notifyAll", "wait",
      "channel", "callOptions", "withOptions", "withDeadline", "withTimeout", "bindService");

  /** Constant names the generated class declares itself. */
  private static final Set<String> RESERVED_CONSTANTS = Set.of("SERVICE_NAME");

  private final Map<String, String> classByProtoName = new HashMap<>();
  private final Set<String> topLevelClasses = new HashSet<>();

  /** Indexes every message of {@code files} (the request's files, imports included). */
  public JavaNames(List<FileDescriptorProto> files) {
    for (FileDescriptorProto file : files) {
      String javaPrefix = file.getOptions().getJavaMultipleFiles()
          ? javaPackage(file)
          : qualify(javaPackage(file), outerClassName(file));
      String protoPrefix = file.getPackage().isEmpty() ? "" : "." + file.getPackage();
      for (DescriptorProto message : file.getMessageTypeList()) {
        index(message, protoPrefix, javaPrefix);
      }
      topLevelClasses.add(qualify(javaPackage(file), outerClassName(file)));
      if (file.getOptions().getJavaMultipleFiles()) {
        file.getMessageTypeList().forEach(m -> topLevelClasses.add(qualify(javaPackage(file), m.getName())));
        file.getEnumTypeList().forEach(e -> topLevelClasses.add(qualify(javaPackage(file), e.getName())));
      }
    }
  }

  private void index(DescriptorProto message, String protoPrefix, String javaPrefix) {
    String protoName = protoPrefix + "." + message.getName();
    String javaName = qualify(javaPrefix, message.getName());
    classByProtoName.put(protoName, javaName);
    for (DescriptorProto nested : message.getNestedTypeList()) {
      index(nested, protoName, javaName);
    }
  }

  /**
   * The fully-qualified Java class of a message, from its protobuf type name as a method's
   * {@code input_type} carries it ({@code .package.Message}).
   *
   * @throws IllegalArgumentException if no file of the request declares that message
   */
  public String messageClass(String protoTypeName) {
    String name = classByProtoName.get(protoTypeName);
    if (name == null) {
      throw new IllegalArgumentException("message type " + protoTypeName + " is not declared in any file of the request");
    }
    return name;
  }

  /**
   * Whether protoc's Java generator writes a top-level class with this fully-qualified name for one
   * of the request's files (an outer class, or a message or enum of a {@code java_multiple_files}
   * file).
   */
  public boolean isProtocClass(String qualifiedName) {
    return topLevelClasses.contains(qualifiedName);
  }

  /** The Java package of the classes generated for {@code file}; empty for the default package. */
  public static String javaPackage(FileDescriptorProto file) {
    return file.getOptions().hasJavaPackage() ? file.getOptions().getJavaPackage() : file.getPackage();
  }

  /** The simple name of the outer class protoc generates for {@code file}. */
  public static String outerClassName(FileDescriptorProto file) {
    if (file.getOptions().hasJavaOuterClassname()) {
      return file.getOptions().getJavaOuterClassname();
    }
    String base = file.getName().substring(file.getName().lastIndexOf('/') + 1);
    if (base.endsWith(".protodevel")) {
      base = base.substring(0, base.length() - ".protodevel".length());
    } else if (base.endsWith(".proto")) {
      base = base.substring(0, base.length() - ".proto".length());
    }
    String name = camelCase(base, true);
    return declaresType(file, name) ? name + "OuterClass" : name;
  }

  /** Whether a message, enum or service of {@code file}, at any nesting depth, is called {@code name}. */
  private static boolean declaresType(FileDescriptorProto file, String name) {
    for (EnumDescriptorProto e : file.getEnumTypeList()) {
      if (e.getName().equals(name)) {
        return true;
      }
    }
    for (ServiceDescriptorProto s : file.getServiceList()) {
      if (s.getName().equals(name)) {
        return true;
      }
    }
    for (DescriptorProto m : file.getMessageTypeList()) {
      if (declaresType(m, name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean declaresType(DescriptorProto message, String name) {
    if (message.getName().equals(name)) {
      return true;
    }
    for (EnumDescriptorProto e : message.getEnumTypeList()) {
      if (e.getName().equals(name)) {
        return true;
      }
    }
    for (DescriptorProto nested : message.getNestedTypeList()) {
      if (declaresType(nested, name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Camel-cases a protobuf name the way protoc's Java generator does: underscores and other
   * non-alphanumerics are dropped and capitalize the next letter, a digit capitalizes the next
   * letter, and the first letter is upper-cased when {@code capitalizeFirst}, lower-cased
   * otherwise ({@code get_feature} → {@code getFeature}, {@code SayHello} → {@code sayHello}).
   */
  public static String camelCase(String name, boolean capitalizeFirst) {
    StringBuilder out = new StringBuilder(name.length());
    boolean capitalizeNext = capitalizeFirst;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'a' && c <= 'z') {
        out.append(capitalizeNext ? (char) (c - 'a' + 'A') : c);
        capitalizeNext = false;
      } else if (c >= 'A' && c <= 'Z') {
        out.append(i == 0 && !capitalizeNext ? (char) (c - 'A' + 'a') : c);
        capitalizeNext = false;
      } else if (c >= '0' && c <= '9') {
        out.append(c);
        capitalizeNext = true;
      } else {
        capitalizeNext = true;
      }
    }
    return out.toString();
  }

  /**
   * The Java method name of an RPC: camel-cased with a lower-case first letter, and {@code _}
   * appended to a Java keyword or a reserved member name ({@code Class} → {@code class_}).
   *
   * @throws IllegalArgumentException if the name has no letter or digit to build on
   */
  public static String methodName(String rpcName) {
    String name = camelCase(rpcName, false);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("cannot derive a Java method name from '" + rpcName + "'");
    }
    return KEYWORDS.contains(name) || RESERVED_METHODS.contains(name) ? name + "_" : name;
  }

  /**
   * The Java name of a unary RPC's asynchronous client method: the camel-cased name with
   * {@code Async} appended, which needs no escaping ({@code Class} → {@code classAsync}). The
   * generator appends {@code _} if another RPC has that name.
   *
   * @throws IllegalArgumentException if the name has no letter or digit to build on
   */
  public static String asyncMethodName(String rpcName) {
    return suffixedMethodName(rpcName, "Async");
  }

  /**
   * The Java name of the client method that returns a server-streaming RPC's responses as a
   * {@code java.util.stream.Stream}: the camel-cased name with {@code Stream} appended, which needs
   * no escaping ({@code new} → {@code newStream}). The generator appends {@code _} if another RPC
   * has that name.
   *
   * @throws IllegalArgumentException if the name has no letter or digit to build on
   */
  public static String streamMethodName(String rpcName) {
    return suffixedMethodName(rpcName, "Stream");
  }

  /** The camel-cased RPC name with {@code suffix}: never a keyword, so it needs no escaping. */
  private static String suffixedMethodName(String rpcName, String suffix) {
    methodName(rpcName); // the same validation
    return camelCase(rpcName, false) + suffix;
  }

  /**
   * The name of the constant holding an RPC's method descriptor: upper snake case, with a word
   * break at every lower-to-upper change and before the last capital of an acronym
   * ({@code SayHello} → {@code SAY_HELLO}, {@code get_feature} → {@code GET_FEATURE},
   * {@code HTTPGet} → {@code HTTP_GET}).
   *
   * @throws IllegalArgumentException if the name has no letter or digit to build on
   */
  public static String constantName(String rpcName) {
    StringBuilder out = new StringBuilder(rpcName.length() + 4);
    for (int i = 0; i < rpcName.length(); i++) {
      char c = rpcName.charAt(i);
      if (!isAsciiLetterOrDigit(c)) {
        breakWord(out);
        continue;
      }
      if (c >= 'A' && c <= 'Z' && i > 0) {
        char prev = rpcName.charAt(i - 1);
        boolean prevLowerOrDigit = (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9');
        boolean acronymEnd = prev >= 'A' && prev <= 'Z' && i + 1 < rpcName.length()
            && rpcName.charAt(i + 1) >= 'a' && rpcName.charAt(i + 1) <= 'z';
        if (prevLowerOrDigit || acronymEnd) {
          breakWord(out);
        }
      }
      out.append(Character.toUpperCase(c));
    }
    if (!out.isEmpty() && out.charAt(out.length() - 1) == '_') {
      out.setLength(out.length() - 1);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("cannot derive a Java constant name from '" + rpcName + "'");
    }
    String name = out.toString().toUpperCase(Locale.ROOT);
    return RESERVED_CONSTANTS.contains(name) ? name + "_" : name;
  }

  private static void breakWord(StringBuilder out) {
    if (!out.isEmpty() && out.charAt(out.length() - 1) != '_') {
      out.append('_');
    }
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Whether {@code name} is a Java keyword or literal. */
  public static boolean isKeyword(String name) {
    return KEYWORDS.contains(name);
  }

  /** {@code prefix.name}, or {@code name} alone when the prefix is empty. */
  public static String qualify(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }
}
