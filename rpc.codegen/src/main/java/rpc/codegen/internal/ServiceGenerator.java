package rpc.codegen.internal;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the {@code <Service>Rpc} class of one protobuf service: method descriptor constants, the
 * descriptor accessors, a typed {@code Client} and the {@code Service} interface a server
 * implements.
 *
 * <p>Every type outside the generated class is written fully qualified ({@code java.lang.String}
 * too), so no message, enum or service name in the user's package can shadow it.
 *
 * <p>Not thread-safe: one instance writes one file.
 */
public final class ServiceGenerator {

  private static final String MD = "rpc.api.MethodDescriptor";

  /**
   * What the generator needs to know about one RPC. {@code asyncName} is set for a unary RPC only,
   * {@code streamName} for a server-streaming one only; {@code idempotency} (a constant of
   * {@code MethodDescriptor.Idempotency}) only when the RPC declares an {@code idempotency_level}.
   */
  private record Rpc(String protoName, String fullName, String javaName, String asyncName, String streamName,
      String constant, String kind, String request, String response, List<String> comment, boolean deprecated,
      String idempotency) {

    boolean clientStreams() {
      return kind.equals("CLIENT_STREAMING") || kind.equals("BIDI_STREAMING");
    }

    boolean serverStreams() {
      return kind.equals("SERVER_STREAMING") || kind.equals("BIDI_STREAMING");
    }

    String streamType() {
      return "rpc.api.ClientStream<" + request + ", " + response + ">";
    }

    String serverStreamType() {
      return "rpc.api.ServerStream<" + response + ", " + request + ">";
    }
  }

  private final FileDescriptorProto file;
  private final ServiceDescriptorProto service;
  private final String serviceName;
  private final String className;
  private final String javaPackage;
  private final boolean withSchema;
  private final List<String> serviceComment;
  private final List<Rpc> rpcs = new ArrayList<>();

  /**
   * Prepares the class for service {@code serviceIndex} of {@code file}.
   *
   * <p>Each RPC's own Java name (and constant) is its alone: two RPCs that map to the same one are
   * an error. The extra client methods named after an RPC ({@code fooAsync}, {@code fooStream})
   * give way instead: when another RPC already has that name, a {@code _} is appended until it is
   * free, so that no {@code .proto} fails to generate for a name the generator made up.
   *
   * @param lite true to leave out protobuf descriptors (lite runtime: messages have none)
   * @throws IllegalArgumentException if a message type is unknown or two RPCs would get the same
   *     Java name or constant
   */
  public ServiceGenerator(FileDescriptorProto file, int serviceIndex, JavaNames names, Javadoc docs, boolean lite) {
    this.file = file;
    this.service = file.getService(serviceIndex);
    this.serviceName = JavaNames.qualify(file.getPackage(), service.getName());
    this.className = service.getName() + "Rpc";
    this.javaPackage = JavaNames.javaPackage(file);
    this.withSchema = !lite && file.getOptions().getOptimizeFor() != FileOptions.OptimizeMode.LITE_RUNTIME;
    this.serviceComment = docs.service(serviceIndex);
    if (names.isProtocClass(JavaNames.qualify(javaPackage, className))) {
      throw new IllegalArgumentException(file.getName() + ": service " + serviceName + " needs the class "
          + JavaNames.qualify(javaPackage, className) + ", which protoc's Java generator also writes");
    }
    Map<String, String> seenJava = new HashMap<>();
    Map<String, String> seenConstants = new HashMap<>();
    for (MethodDescriptorProto m : service.getMethodList()) {
      String javaName = JavaNames.methodName(m.getName());
      String other = seenJava.putIfAbsent(javaName, m.getName());
      if (other != null) {
        throw new IllegalArgumentException(collision(m.getName(), other, "Java method " + javaName));
      }
      String constant = JavaNames.constantName(m.getName());
      other = seenConstants.putIfAbsent(constant, m.getName());
      if (other != null) {
        throw new IllegalArgumentException(collision(m.getName(), other, "constant " + constant));
      }
    }
    // Only now that every RPC's own name is taken can the extra names give way to them.
    for (int i = 0; i < service.getMethodCount(); i++) {
      MethodDescriptorProto m = service.getMethod(i);
      String kind = m.getClientStreaming()
          ? (m.getServerStreaming() ? "BIDI_STREAMING" : "CLIENT_STREAMING")
          : (m.getServerStreaming() ? "SERVER_STREAMING" : "UNARY");
      String asyncName = kind.equals("UNARY") ? free(JavaNames.asyncMethodName(m.getName()), m, seenJava) : null;
      String streamName = kind.equals("SERVER_STREAMING")
          ? free(JavaNames.streamMethodName(m.getName()), m, seenJava) : null;
      rpcs.add(new Rpc(m.getName(), serviceName + "/" + m.getName(), JavaNames.methodName(m.getName()), asyncName,
          streamName, JavaNames.constantName(m.getName()), kind, names.messageClass(m.getInputType()),
          names.messageClass(m.getOutputType()), docs.method(serviceIndex, i), m.getOptions().getDeprecated(),
          idempotency(m.getOptions().getIdempotencyLevel())));
    }
  }

  /** The {@code MethodDescriptor.Idempotency} constant of a declared level; null for none. */
  private static String idempotency(MethodOptions.IdempotencyLevel level) {
    return switch (level) {
      case NO_SIDE_EFFECTS -> "NO_SIDE_EFFECTS";
      case IDEMPOTENT -> "IDEMPOTENT";
      default -> null; // IDEMPOTENCY_UNKNOWN: nothing declared
    };
  }

  /** {@code name}, with {@code _} appended until no other method has it; then it is {@code m}'s. */
  private static String free(String name, MethodDescriptorProto m, Map<String, String> seenJava) {
    String n = name;
    while (seenJava.containsKey(n)) {
      n += "_";
    }
    seenJava.put(n, m.getName());
    return n;
  }

  private String collision(String method, String other, String what) {
    return file.getName() + ": methods " + other + " and " + method + " of service " + serviceName
        + " both map to the " + what;
  }

  /** The path of the generated file, relative to the output directory. */
  public String fileName() {
    return (javaPackage.isEmpty() ? "" : javaPackage.replace('.', '/') + "/") + className + ".java";
  }

  /** The generated source. */
  public String generate() {
    SourceWriter w = new SourceWriter();
    w.line("// Generated by rpc.codegen from " + Javadoc.escape(file.getName()) + ". Do not edit.");
    if (!javaPackage.isEmpty()) {
      w.line("package " + javaPackage + ";");
    }
    w.blank();
    List<String> doc = new ArrayList<>();
    doc.add("The {@code " + serviceName + "} service: its method descriptors, a typed {@link Client} and the");
    doc.add("{@link Service} interface a server implements. Thread-safe: this class holds only constants");
    doc.add("and static factories.");
    appendParagraphs(doc, serviceComment);
    w.javadoc(doc);
    if (service.getOptions().getDeprecated()) {
      w.line("@java.lang.Deprecated");
    }
    w.open("public final class " + className + " {");
    w.blank();
    w.line("/** The full name of the service. */");
    w.line("public static final java.lang.String SERVICE_NAME = \"" + serviceName + "\";");
    for (Rpc rpc : rpcs) {
      w.blank();
      writeConstant(w, rpc);
    }
    w.blank();
    w.line("private " + className + "() {}");
    if (withSchema) {
      writeDescriptorAccessors(w);
    }
    writeFactories(w);
    writeClient(w);
    writeService(w);
    w.close("}");
    return w.toString();
  }

  private void writeConstant(SourceWriter w, Rpc rpc) {
    List<String> doc = new ArrayList<>();
    doc.add(kindText(rpc) + " {@code " + rpc.fullName() + "}.");
    appendParagraphs(doc, rpc.comment());
    w.javadoc(doc);
    deprecated(w, rpc);
    w.line("public static final " + MD + "<" + rpc.request() + ", " + rpc.response() + "> " + rpc.constant() + " =");
    w.line("    " + MD + ".of(\"" + rpc.fullName() + "\", " + MD + ".Kind." + rpc.kind() + ",");
    w.line("        rpc.codec.protobuf.ProtobufCodec.of(" + rpc.request() + ".getDefaultInstance()),");
    List<String> lines = new ArrayList<>();
    lines.add("        rpc.codec.protobuf.ProtobufCodec.of(" + rpc.response() + ".getDefaultInstance()))");
    if (withSchema) {
      lines.add("        .withSchema(getServiceDescriptor().findMethodByName(\"" + rpc.protoName() + "\"))");
    }
    if (rpc.idempotency() != null) {
      lines.add("        .withIdempotency(" + MD + ".Idempotency." + rpc.idempotency() + ")");
    }
    for (int i = 0; i < lines.size(); i++) {
      w.line(lines.get(i) + (i == lines.size() - 1 ? ";" : ""));
    }
  }

  private void writeDescriptorAccessors(SourceWriter w) {
    String outer = JavaNames.qualify(javaPackage, JavaNames.outerClassName(file));
    w.blank();
    w.javadoc(List.of(
        "The protobuf descriptor of {@code " + Javadoc.escape(file.getName()) + "}, the file that declares this service.",
        "",
        "@return the file descriptor"));
    w.open("public static com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {");
    w.line("return " + outer + ".getDescriptor();");
    w.close("}");
    w.blank();
    w.javadoc(List.of(
        "The protobuf descriptor of this service (server reflection reads it from the service definition).",
        "",
        "@return the service descriptor"));
    w.open("public static com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {");
    w.line("return getFileDescriptor().findServiceByName(\"" + service.getName() + "\");");
    w.close("}");
  }

  private void writeFactories(SourceWriter w) {
    w.blank();
    w.javadoc(List.of(
        "A client that calls this service on {@code channel} with the channel's default call options.",
        "",
        "@param channel the channel the client calls on",
        "@return a new client"));
    w.open("public static Client newClient(rpc.api.Channel channel) {");
    w.line("return new Client(channel, channel.defaultCallOptions());");
    w.close("}");
    w.blank();
    w.javadoc(List.of(
        "A client that calls this service on {@code channel} with {@code options}.",
        "",
        "@param channel the channel the client calls on",
        "@param options the options of every call the client makes",
        "@return a new client"));
    w.open("public static Client newClient(rpc.api.Channel channel, rpc.api.CallOptions options) {");
    w.line("return new Client(channel, options);");
    w.close("}");
    w.blank();
    w.javadoc(List.of(
        "The service definition that routes every method of this service to {@code impl}, ready for",
        "{@code Server.Builder.addService}.",
        "",
        "@param impl the implementation the calls go to",
        "@return the service definition"));
    w.open("public static rpc.api.ServiceDefinition serviceDefinition(Service impl) {");
    w.line("java.util.Objects.requireNonNull(impl, \"impl\");");
    w.line("return rpc.api.ServiceDefinition.newBuilder(SERVICE_NAME)");
    for (Rpc rpc : rpcs) {
      String builderMethod = switch (rpc.kind()) {
        case "UNARY" -> "unary";
        case "CLIENT_STREAMING" -> "clientStreaming";
        case "SERVER_STREAMING" -> "serverStreaming";
        default -> "bidiStreaming";
      };
      w.line("    ." + builderMethod + "(" + rpc.constant() + ", impl::" + rpc.javaName() + ")");
    }
    if (withSchema) {
      w.line("    .schema(getServiceDescriptor())");
    }
    w.line("    .build();");
    w.close("}");
  }

  private void writeClient(SourceWriter w) {
    w.blank();
    w.javadoc(List.of(
        "The typed client of {@code " + serviceName + "}.",
        "",
        "<p>Thread-safe. Cheap to create; many clients may share one channel. Immutable: the",
        "{@code with...} methods return a new client and leave this one as it is."));
    w.open("public static final class Client {");
    w.line("private final rpc.api.Channel channel;");
    w.line("private final rpc.api.CallOptions options;");
    w.blank();
    w.open("private Client(rpc.api.Channel channel, rpc.api.CallOptions options) {");
    w.line("this.channel = java.util.Objects.requireNonNull(channel, \"channel\");");
    w.line("this.options = java.util.Objects.requireNonNull(options, \"options\");");
    w.close("}");
    w.blank();
    w.javadoc(List.of("The channel this client calls on.", "", "@return the channel"));
    w.open("public rpc.api.Channel channel() {");
    w.line("return channel;");
    w.close("}");
    w.blank();
    w.javadoc(List.of("The options of every call this client makes.", "", "@return the call options"));
    w.open("public rpc.api.CallOptions callOptions() {");
    w.line("return options;");
    w.close("}");
    w.blank();
    w.javadoc(List.of(
        "A client on the same channel whose calls use {@code options}.",
        "",
        "@param options the options of every call the new client makes",
        "@return a new client"));
    w.open("public Client withOptions(rpc.api.CallOptions options) {");
    w.line("return new Client(channel, options);");
    w.close("}");
    w.blank();
    w.javadoc(List.of(
        "A client whose calls all end by {@code deadline}, a fixed point in time: the form for passing",
        "one caller's remaining time on to the calls it makes.",
        "",
        "@param deadline the deadline of every call the new client makes, or null for none",
        "@return a new client"));
    w.open("public Client withDeadline(rpc.api.Deadline deadline) {");
    w.line("return new Client(channel, options.withDeadline(deadline));");
    w.close("}");
    w.blank();
    w.javadoc(List.of(
        "A client whose calls each have {@code timeout}, counted from the start of each call, so the",
        "client can be kept and reused (see {@link rpc.api.CallOptions#withTimeout}).",
        "",
        "@param timeout how long each call may take, or null for no timeout",
        "@return a new client"));
    w.open("public Client withTimeout(java.time.Duration timeout) {");
    w.line("return new Client(channel, options.withTimeout(timeout));");
    w.close("}");
    for (Rpc rpc : rpcs) {
      switch (rpc.kind()) {
        case "UNARY" -> writeUnaryClient(w, rpc);
        case "SERVER_STREAMING" -> {
          writeServerStreamingClient(w, rpc);
          writeResponsesClient(w, rpc);
        }
        default -> writeStreamClient(w, rpc);
      }
    }
    w.blank();
    w.line("@java.lang.Override");
    w.open("public java.lang.String toString() {");
    w.line("return \"" + className + ".Client{\" + channel + \", \" + options + \"}\";");
    w.close("}");
    w.close("}");
  }

  private void writeUnaryClient(SourceWriter w, Rpc rpc) {
    w.blank();
    List<String> doc = new ArrayList<>(commentOr(rpc, "Calls {@code " + rpc.fullName() + "}."));
    doc.add("");
    doc.add("<p>Blocks until the response arrives.");
    doc.add("");
    doc.add("@param request the request");
    doc.add("@return the response");
    doc.add("@throws rpc.api.StatusException if the call ends with a status other than OK");
    w.javadoc(doc);
    deprecated(w, rpc);
    w.open("public " + rpc.response() + " " + rpc.javaName() + "(" + rpc.request() + " request) {");
    w.line("return channel.call(" + rpc.constant() + ", request, options);");
    w.close("}");
    w.blank();
    doc = new ArrayList<>(commentOr(rpc, "Calls {@code " + rpc.fullName() + "}."));
    doc.add("");
    doc.add("<p>Returns at once; the future completes with the response, or exceptionally with a");
    doc.add("{@link rpc.api.StatusException}, on the channel's executor (a virtual thread unless");
    doc.add("{@code Channel.Builder.executor} says otherwise), never on a transport thread, so");
    doc.add("dependent stages may block. Cancelling the future cancels the call.");
    doc.add("");
    doc.add("@param request the request");
    doc.add("@return a future of the response");
    w.javadoc(doc);
    deprecated(w, rpc);
    w.open("public java.util.concurrent.CompletableFuture<" + rpc.response() + "> " + rpc.asyncName()
        + "(" + rpc.request() + " request) {");
    w.line("return channel.callAsync(" + rpc.constant() + ", request, options);");
    w.close("}");
  }

  private void writeServerStreamingClient(SourceWriter w, Rpc rpc) {
    w.blank();
    List<String> doc = new ArrayList<>(commentOr(rpc, "Calls {@code " + rpc.fullName() + "}."));
    doc.add("");
    doc.add("<p>Sends {@code request} and half-closes; read the responses with {@code receive()} until it");
    doc.add("returns null (the call ended OK) or throws {@link rpc.api.StatusException}. Closing the stream");
    doc.add("before the end cancels the call, so try-with-resources is the safe way to use it.");
    doc.add("To read the responses as a {@code java.util.stream.Stream}, see {@link #" + rpc.streamName() + "}.");
    doc.add("");
    doc.add("@param request the request");
    doc.add("@return the call, its request sent and its sending side closed");
    doc.add("@throws rpc.api.StatusException if the call fails before the request is sent");
    w.javadoc(doc);
    deprecated(w, rpc);
    w.open("public " + rpc.streamType() + " " + rpc.javaName() + "(" + rpc.request() + " request) {");
    w.line("var stream = channel.newStream(" + rpc.constant() + ", options);");
    w.open("try {");
    w.line("stream.sendAndClose(request);");
    w.reopen("} catch (java.lang.RuntimeException | java.lang.Error e) {");
    w.line("stream.cancel();");
    w.line("throw e;");
    w.close("}");
    w.line("return stream;");
    w.close("}");
  }

  private void writeResponsesClient(SourceWriter w, Rpc rpc) {
    w.blank();
    List<String> doc = new ArrayList<>(commentOr(rpc, "Calls {@code " + rpc.fullName() + "}."));
    doc.add("");
    doc.add("<p>Sends {@code request} and returns the responses as a stream that receives them one at a time,");
    doc.add("as its terminal operation asks for them: it ends when the call ends OK, and its terminal");
    doc.add("operation throws {@link rpc.api.StatusException} if the call ends with another status.");
    doc.add("Closing the stream cancels the call unless it has ended: use try-with-resources. See");
    doc.add("{@link rpc.api.ClientStream#responses()} for the details.");
    doc.add("");
    doc.add("@param request the request");
    doc.add("@return the responses; closing the stream cancels the call unless it has ended");
    doc.add("@throws rpc.api.StatusException if the call fails before the request is sent");
    w.javadoc(doc);
    deprecated(w, rpc);
    w.open("public java.util.stream.Stream<" + rpc.response() + "> " + rpc.streamName() + "(" + rpc.request()
        + " request) {");
    w.line("return " + rpc.javaName() + "(request).responses();");
    w.close("}");
  }

  private void writeStreamClient(SourceWriter w, Rpc rpc) {
    w.blank();
    List<String> doc = new ArrayList<>(commentOr(rpc, "Calls {@code " + rpc.fullName() + "}."));
    doc.add("");
    if (rpc.serverStreams()) {
      doc.add("<p>Starts the call: send requests (and {@code halfClose()} after the last) while receiving");
      doc.add("responses until {@code receive()} returns null; one thread may send while another receives.");
    } else {
      doc.add("<p>Starts the call: send the requests, then {@code halfClose()} (or {@code sendAndClose} the");
      doc.add("last one), then {@code receive()} the one response.");
    }
    doc.add("Closing the stream before the end cancels the call.");
    doc.add("");
    doc.add("@return the call, ready to send");
    w.javadoc(doc);
    deprecated(w, rpc);
    w.open("public " + rpc.streamType() + " " + rpc.javaName() + "() {");
    w.line("return channel.newStream(" + rpc.constant() + ", options);");
    w.close("}");
  }

  private void writeService(SourceWriter w) {
    w.blank();
    w.javadoc(List.of(
        "The server side of {@code " + serviceName + "}: implement the methods the service supports and",
        "add {@link #bindService()} to a server. A method left as it is fails with {@code UNIMPLEMENTED}.",
        "",
        "<p>Implementations must be thread-safe: calls run at once, each on its own virtual thread, where",
        "blocking is fine. A method ends its call OK by returning, or with a status by throwing",
        "{@link rpc.api.StatusException}; any other exception ends it with {@code UNKNOWN}."));
    w.open("public interface Service {");
    for (Rpc rpc : rpcs) {
      w.blank();
      List<String> doc = new ArrayList<>(commentOr(rpc, "Serves {@code " + rpc.fullName() + "}."));
      doc.add("");
      switch (rpc.kind()) {
        case "UNARY" -> {
          doc.add("<p>Returns the response to {@code request}.");
          doc.add("");
          doc.add("@param request the request");
          doc.add("@param context the call: its metadata, deadline and cancellation");
          doc.add("@return the response");
        }
        case "CLIENT_STREAMING" -> {
          doc.add("<p>Receives the requests until {@code receive()} returns null, then returns the response.");
          doc.add("");
          doc.add("@param requests the call's stream, to receive the requests from");
          doc.add("@return the response");
        }
        case "SERVER_STREAMING" -> {
          doc.add("<p>Sends the responses to {@code request}; must not return before the last is sent.");
          doc.add("");
          doc.add("@param request the request");
          doc.add("@param responses the call's stream, to send the responses on");
        }
        default -> {
          doc.add("<p>Receives requests and sends responses; must not return before the last is sent.");
          doc.add("");
          doc.add("@param stream the call's stream, to receive requests from and send responses on");
        }
      }
      doc.add("@throws java.lang.Exception to end the call with a status other than OK: that of a");
      doc.add("    {@link rpc.api.StatusException}, {@code UNKNOWN} for any other exception");
      w.javadoc(doc);
      deprecated(w, rpc);
      String signature = switch (rpc.kind()) {
        case "UNARY" -> rpc.response() + " " + rpc.javaName() + "(" + rpc.request()
            + " request, rpc.api.ServerContext context)";
        case "CLIENT_STREAMING" -> rpc.response() + " " + rpc.javaName() + "(" + rpc.serverStreamType() + " requests)";
        case "SERVER_STREAMING" -> "void " + rpc.javaName() + "(" + rpc.request() + " request, "
            + rpc.serverStreamType() + " responses)";
        default -> "void " + rpc.javaName() + "(" + rpc.serverStreamType() + " stream)";
      };
      w.open("default " + signature + " throws java.lang.Exception {");
      w.line("throw new rpc.api.StatusException(");
      w.line("    rpc.api.Status.UNIMPLEMENTED.withDescription(\"Method " + rpc.fullName() + " is unimplemented\"));");
      w.close("}");
    }
    w.blank();
    w.javadoc(List.of(
        "This implementation as a service definition, ready for {@code Server.Builder.addService}.",
        "",
        "@return the service definition"));
    w.open("default rpc.api.ServiceDefinition bindService() {");
    w.line("return " + className + ".serviceDefinition(this);");
    w.close("}");
    w.close("}");
  }

  private static List<String> commentOr(Rpc rpc, String fallback) {
    return rpc.comment().isEmpty() ? List.of(fallback) : rpc.comment();
  }

  private static void appendParagraphs(List<String> doc, List<String> comment) {
    if (comment.isEmpty()) {
      return;
    }
    doc.add("");
    doc.add("<p>" + comment.get(0));
    doc.addAll(comment.subList(1, comment.size()));
  }

  private static String kindText(Rpc rpc) {
    return switch (rpc.kind()) {
      case "UNARY" -> "Unary";
      case "CLIENT_STREAMING" -> "Client-streaming";
      case "SERVER_STREAMING" -> "Server-streaming";
      default -> "Bidi-streaming";
    };
  }

  private static void deprecated(SourceWriter w, Rpc rpc) {
    if (rpc.deprecated()) {
      w.line("@java.lang.Deprecated");
    }
  }
}
