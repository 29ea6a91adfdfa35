/**
 * The in-process transport's provider. Use {@code inprocess:NAME} as a server address and channel
 * target; everything else is the ordinary {@code rpc.api}.
 *
 * <p>Null arguments throw {@link java.lang.NullPointerException}.
 */
package rpc.transport.inprocess;
