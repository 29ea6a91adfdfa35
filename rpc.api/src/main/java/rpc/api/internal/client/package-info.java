/**
 * The client side of the library: the channel's interceptor chain, blocking and asynchronous unary
 * calls, client streams over the shared engine, and deadline enforcement. Not exported.
 *
 * <p>Null arguments throw {@link java.lang.NullPointerException}. No application code runs on a
 * transport thread: asynchronous completions go to the channel's executor.
 */
package rpc.api.internal.client;
