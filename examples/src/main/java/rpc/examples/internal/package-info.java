/**
 * What every example shares: command-line options, starting the example's own server (or
 * connecting to a given one) and counting the connections the server saw.
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}.
 */
package rpc.examples.internal;
