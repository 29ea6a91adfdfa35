package rpc.services.internal;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import rpc.api.ServiceDefinition;

/**
 * What server reflection can tell about one server: its service names, and the protobuf files
 * reachable from the schemas of its services (each service's file and that file's transitive
 * imports), indexed by file name, by symbol and by extension.
 *
 * <p>Immutable once built. Symbols follow protobuf's own scoping (as {@code DescriptorPool} does):
 * services, methods, messages, fields, oneofs, enums and extensions by their full names, and enum
 * values as siblings of their enum ({@code package.VALUE}, not {@code package.Enum.VALUE}).
 */
public final class ReflectionIndex {
  private final List<String> serviceNames;
  private final Map<String, FileDescriptor> filesByName = new LinkedHashMap<>();
  private final Map<String, FileDescriptor> filesBySymbol = new HashMap<>();
  private final Set<String> messageTypes = new HashSet<>();
  // containing type → extension number → the file declaring the extension
  private final Map<String, Map<Integer, FileDescriptor>> extensions = new HashMap<>();

  private ReflectionIndex(List<String> serviceNames) {
    this.serviceNames = serviceNames;
  }

  /**
   * The index of {@code services}. A service whose {@code schema()} is a protobuf
   * {@code ServiceDescriptor} (what generated code sets) or {@code FileDescriptor} contributes its
   * file; any other service is listed by name only.
   */
  public static ReflectionIndex of(Collection<ServiceDefinition> services) {
    List<String> names = new ArrayList<>();
    ArrayDeque<FileDescriptor> pending = new ArrayDeque<>();
    for (ServiceDefinition s : services) {
      names.add(s.name());
      Object schema = s.schema();
      if (schema instanceof ServiceDescriptor sd) {
        pending.add(sd.getFile());
      } else if (schema instanceof FileDescriptor fd) {
        pending.add(fd);
      }
    }
    ReflectionIndex index = new ReflectionIndex(List.copyOf(names));
    while (!pending.isEmpty()) {
      FileDescriptor file = pending.poll();
      // The first file seen under a name wins; two different files with one name cannot both be
      // described to a client anyway.
      if (index.filesByName.putIfAbsent(file.getName(), file) == null) {
        index.addSymbols(file);
        pending.addAll(file.getDependencies());
      }
    }
    return index;
  }

  /** The full names of the server's services, in registration order. */
  public List<String> serviceNames() {
    return serviceNames;
  }

  /** The file named {@code name}, or null. */
  public FileDescriptor fileByName(String name) {
    return filesByName.get(name);
  }

  /** The file declaring {@code symbol}, or null. */
  public FileDescriptor fileContainingSymbol(String symbol) {
    return filesBySymbol.get(symbol);
  }

  /** The file declaring extension {@code number} of {@code containingType}, or null. */
  public FileDescriptor fileContainingExtension(String containingType, int number) {
    Map<Integer, FileDescriptor> byNumber = extensions.get(containingType);
    return byNumber == null ? null : byNumber.get(number);
  }

  /**
   * The known extension numbers of message type {@code type}, ascending (empty if it has none), or
   * null if the type is unknown.
   */
  public List<Integer> extensionNumbers(String type) {
    if (!messageTypes.contains(type)) {
      return null;
    }
    Map<Integer, FileDescriptor> byNumber = extensions.get(type);
    return byNumber == null ? List.of() : List.copyOf(byNumber.keySet());
  }

  /**
   * {@code file} followed by its transitive imports, each once, nearest first. Imports for which
   * {@code skip} answers true are left out, as are their own imports unless reached another way.
   */
  public static List<FileDescriptor> withDependencies(FileDescriptor file, Predicate<String> skip) {
    List<FileDescriptor> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    ArrayDeque<FileDescriptor> queue = new ArrayDeque<>();
    queue.add(file);
    seen.add(file.getName());
    while (!queue.isEmpty()) {
      FileDescriptor f = queue.poll();
      out.add(f);
      for (FileDescriptor dep : f.getDependencies()) {
        if (seen.add(dep.getName()) && !skip.test(dep.getName())) {
          queue.add(dep);
        }
      }
    }
    return out;
  }

  private void addSymbols(FileDescriptor file) {
    String scope = file.getPackage();
    for (ServiceDescriptor s : file.getServices()) {
      symbol(s.getFullName(), file);
      for (MethodDescriptor m : s.getMethods()) {
        symbol(m.getFullName(), file);
      }
    }
    for (Descriptor m : file.getMessageTypes()) {
      addMessage(m, file);
    }
    for (EnumDescriptor e : file.getEnumTypes()) {
      addEnum(e, scope, file);
    }
    for (FieldDescriptor x : file.getExtensions()) {
      addExtension(x, file);
    }
  }

  private void addMessage(Descriptor m, FileDescriptor file) {
    symbol(m.getFullName(), file);
    messageTypes.add(m.getFullName());
    for (FieldDescriptor f : m.getFields()) {
      symbol(f.getFullName(), file);
    }
    for (OneofDescriptor o : m.getOneofs()) {
      symbol(o.getFullName(), file);
    }
    for (Descriptor nested : m.getNestedTypes()) {
      addMessage(nested, file);
    }
    for (EnumDescriptor e : m.getEnumTypes()) {
      addEnum(e, m.getFullName(), file);
    }
    for (FieldDescriptor x : m.getExtensions()) {
      addExtension(x, file);
    }
  }

  private void addEnum(EnumDescriptor e, String scope, FileDescriptor file) {
    symbol(e.getFullName(), file);
    for (EnumValueDescriptor v : e.getValues()) {
      symbol(scope.isEmpty() ? v.getName() : scope + "." + v.getName(), file);
    }
  }

  private void addExtension(FieldDescriptor x, FileDescriptor file) {
    symbol(x.getFullName(), file);
    extensions.computeIfAbsent(x.getContainingType().getFullName(), t -> new TreeMap<>())
        .putIfAbsent(x.getNumber(), file);
  }

  private void symbol(String name, FileDescriptor file) {
    filesBySymbol.putIfAbsent(name, file);
  }
}
