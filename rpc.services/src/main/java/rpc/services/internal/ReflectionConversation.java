package rpc.services.internal;

import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import rpc.api.Status;
import rpc.services.reflection.v1.ErrorResponse;
import rpc.services.reflection.v1.ExtensionNumberResponse;
import rpc.services.reflection.v1.ExtensionRequest;
import rpc.services.reflection.v1.FileDescriptorResponse;
import rpc.services.reflection.v1.ListServiceResponse;
import rpc.services.reflection.v1.ServerReflectionRequest;
import rpc.services.reflection.v1.ServerReflectionResponse;
import rpc.services.reflection.v1.ServiceResponse;

/**
 * The answers on one reflection stream, in {@code grpc.reflection.v1} terms.
 *
 * <p>Not thread-safe: one per call, used by the handler's thread. It remembers which files the
 * stream has carried, so that an import is sent once per stream, as the protocol allows; the file
 * a question asks for is always sent, even if it went out before.
 */
final class ReflectionConversation {
  private final ReflectionIndex index;
  private final Set<String> sent = new HashSet<>();

  ReflectionConversation(ReflectionIndex index) {
    this.index = index;
  }

  /** The answer to {@code request}; a question that cannot be answered gets an error_response. */
  ServerReflectionResponse answer(ServerReflectionRequest request) {
    ServerReflectionResponse.Builder out = ServerReflectionResponse.newBuilder()
        .setValidHost(request.getHost())
        .setOriginalRequest(request);
    switch (request.getMessageRequestCase()) {
      case FILE_BY_FILENAME -> {
        String name = request.getFileByFilename();
        files(out, index.fileByName(name), "file not found: " + name);
      }
      case FILE_CONTAINING_SYMBOL -> {
        String symbol = request.getFileContainingSymbol();
        files(out, index.fileContainingSymbol(symbol), "symbol not found: " + symbol);
      }
      case FILE_CONTAINING_EXTENSION -> {
        ExtensionRequest x = request.getFileContainingExtension();
        files(out, index.fileContainingExtension(x.getContainingType(), x.getExtensionNumber()),
            "extension not found: " + x.getExtensionNumber() + " of " + x.getContainingType());
      }
      case ALL_EXTENSION_NUMBERS_OF_TYPE -> {
        String type = request.getAllExtensionNumbersOfType();
        List<Integer> numbers = index.extensionNumbers(type);
        if (numbers == null) {
          error(out, Status.Code.NOT_FOUND, "type not found: " + type);
        } else {
          out.setAllExtensionNumbersResponse(
              ExtensionNumberResponse.newBuilder().setBaseTypeName(type).addAllExtensionNumber(numbers));
        }
      }
      case LIST_SERVICES -> {
        ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
        for (String name : index.serviceNames()) {
          list.addService(ServiceResponse.newBuilder().setName(name));
        }
        out.setListServicesResponse(list);
      }
      // Also what a question added by a later version of the protocol parses to.
      case MESSAGEREQUEST_NOT_SET -> error(out, Status.Code.UNIMPLEMENTED, "the request asks no question this server knows");
    }
    return out.build();
  }

  private void files(ServerReflectionResponse.Builder out, FileDescriptor file, String notFound) {
    if (file == null) {
      error(out, Status.Code.NOT_FOUND, notFound);
      return;
    }
    FileDescriptorResponse.Builder files = FileDescriptorResponse.newBuilder();
    for (FileDescriptor f : ReflectionIndex.withDependencies(file, sent::contains)) {
      files.addFileDescriptorProto(f.toProto().toByteString());
      sent.add(f.getName());
    }
    out.setFileDescriptorResponse(files);
  }

  private static void error(ServerReflectionResponse.Builder out, Status.Code code, String message) {
    out.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(code.value()).setErrorMessage(message));
  }
}
