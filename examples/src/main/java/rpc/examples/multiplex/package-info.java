/**
 * The multiplex example: the Greeter and Echo services on one server, their two generated clients
 * on one channel.
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}.
 */
package rpc.examples.multiplex;
