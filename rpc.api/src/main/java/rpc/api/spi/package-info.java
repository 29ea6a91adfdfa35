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
 * unless stated otherwise. The threading contract is written once, in {@link rpc.api.spi.ClientCall}
 * and {@link rpc.api.spi.ServerCall}: listener callbacks of one call are serialized (transports use
 * {@link rpc.api.spi.SerialExecutor}), run on a transport thread or inline on a thread calling into
 * the call, never after the call's terminal event, and never block. No application code runs in
 * them: the library hands every result to the application's own threads. Codecs and the listener
 * wrappers of {@link rpc.api.ClientInterceptor}s do run there, and must not block.
 *
 * <p>{@code rpc.testkit}'s transport-level conformance group drives a transport through this SPI
 * directly and checks each of these promises.
 */
package rpc.api.spi;
