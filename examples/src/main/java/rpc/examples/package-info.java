/**
 * The entry point that runs each example by name ({@link rpc.examples.Examples}).
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}.
 */
package rpc.examples;
