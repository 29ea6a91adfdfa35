/**
 * Implementation of the Jetty transport; not exported.
 *
 * <p>Threading: listener callbacks of a call are serialized by its {@code SerialExecutor} and run
 * on the thread that made them possible (a Jetty thread for frames from the network, the
 * application's thread for {@code request} and {@code cancel}); nothing here blocks. A call's
 * outbound state is guarded by its lock, never held while a listener runs.
 */
package rpc.transport.jetty.internal;
