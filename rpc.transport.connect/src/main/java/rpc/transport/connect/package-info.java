/**
 * The Connect protocol client transport's provider. Use {@code connect+http://host:port} or
 * {@code connect+https://host:port} as a channel target; everything else is the ordinary
 * {@code rpc.api}.
 *
 * <p>Null arguments throw {@link java.lang.NullPointerException}.
 */
package rpc.transport.connect;
