/**
 * The Connect client transport's implementation on {@code java.net.http}: one
 * {@link java.net.http.HttpClient} per channel, one HTTP exchange per call. Not exported.
 *
 * <p>Each call reads its response on a virtual thread of its own, which waits for the library's
 * {@code request(n)} before it reads the next message; listener callbacks of a call run serialized
 * (through {@link rpc.api.spi.SerialExecutor}) on that thread, on the HTTP client's threads (for
 * {@code onReady}) or inline on a thread calling into the call, and never while a lock is held.
 */
package rpc.transport.connect.internal;
