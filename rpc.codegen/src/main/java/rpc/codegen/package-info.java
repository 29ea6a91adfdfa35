/**
 * The protoc plugin entry point, {@link rpc.codegen.ProtocPlugin}: reads a
 * {@code CodeGeneratorRequest} and answers with a {@code CodeGeneratorResponse}.
 *
 * <p>Defaults for this package: a null argument throws {@link java.lang.NullPointerException}.
 * Nothing here starts threads; generation runs on the caller's thread.
 */
package rpc.codegen;
