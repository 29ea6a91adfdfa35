/**
 * The helloworld example: a Greeter server, and a client whose one channel and one generated client
 * are shared by many threads firing calls at once. Also holds the generated {@code helloworld}
 * classes.
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}.
 */
package rpc.examples.helloworld;
