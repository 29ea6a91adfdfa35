/**
 * The interop server and client: {@link rpc.interop.InteropServer} serves
 * {@code grpc.testing.TestService}, {@link rpc.interop.InteropClient} runs the {@link
 * rpc.interop.TestCase}s against a server and reports one line per case.
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}. Server handlers
 * run on the library's per-call virtual threads; the client runs each case on a virtual thread of
 * its own.
 */
package rpc.interop;
