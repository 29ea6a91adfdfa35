/**
 * How the plugin names things (the rules protoc's Java generator uses, so generated code finds the
 * message classes), turns {@code .proto} comments into Javadoc, and writes the source of a
 * {@code <Service>Rpc} class. Not exported.
 *
 * <p>Every class here is used by one thread at a time: one generator run.
 */
package rpc.codegen.internal;
