/**
 * What the Jetty transport's client and server share; not exported: the engine of one call's
 * HTTP/2 stream ({@link CallStream}, which client and server calls extend: the outbound write
 * chain of {@link Chunk}s and the inbound {@link InboundReader}), the conversion between rpc
 * metadata and status and HTTP/2 header fields ({@link GrpcFields}), what the transport takes from
 * Jetty's implementation where its API falls short ({@link JettyGaps}), and the settings read from
 * a channel's or server's options ({@link TransportSettings}).
 *
 * <p>Dependencies run one way: {@code internal.client} and {@code internal.server} build on this
 * package, which depends on neither; client and server do not depend on each other.
 *
 * <p>Threading: listener callbacks of a call are serialized by its {@code SerialExecutor} and run
 * on the thread that made them possible (a Jetty thread for frames from the network, the
 * application's thread for {@code request} and {@code cancel}); nothing here blocks. A call's
 * outbound state is guarded by its lock, never held while a listener runs.
 */
package rpc.transport.jetty.internal.stream;
