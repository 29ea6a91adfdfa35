/**
 * The route guide example: unary, server-streaming, client-streaming and bidirectional calls, the
 * last with one thread sending while another receives. Also holds the generated {@code routeguide}
 * classes.
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}.
 */
package rpc.examples.routeguide;
