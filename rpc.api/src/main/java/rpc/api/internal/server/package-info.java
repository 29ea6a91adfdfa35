/**
 * The server side of the library: accepting calls from the transport, running each handler on its
 * own thread, the server stream over the shared engine, cancellation and the server's deadline.
 * Not exported.
 *
 * <p>Null arguments throw {@link java.lang.NullPointerException}. No application code runs on a
 * transport thread: handlers run on the server's launcher, {@code onCancel} actions on virtual threads.
 */
package rpc.api.internal.server;
