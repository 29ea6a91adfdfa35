/**
 * The transport SPI: what a transport implements to carry calls, found with
 * {@link java.util.ServiceLoader} through {@link rpc.api.spi.TransportProvider}.
 *
 * <p>The SPI is message-level: calls carry messages with their {@link rpc.api.Codec}, so a network
 * transport serializes once into its own buffers and an in-process transport can pass immutable
 * messages by reference. It is event-driven and never blocks: back-pressure is credit based
 * ({@code request(n)} for inbound messages, {@code isReady()}/{@code onReady()} for outbound).
 *
 * <p>Defaults for this package: a null argument throws {@link java.lang.NullPointerException}
 * unless stated otherwise. Listener callbacks for one call are serialized and run on a transport
 * thread; a transport never holds a lock of its own while it calls a listener, and
 * {@code request}, {@code isReady}, {@code cancel} and {@code close} never block, so the library
 * may call them while holding its own locks.
 */
package rpc.api.spi;
