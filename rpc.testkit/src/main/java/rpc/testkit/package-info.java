/**
 * The conformance suite every transport runs, and the fixtures it uses.
 *
 * <p><b>Running the suite.</b> Subclass {@link rpc.testkit.TransportConformanceTest} once per
 * transport (or transport variant) and implement two hooks: {@code listenAddress()} (a fresh
 * address per server) and {@code targetFor(Server)}; override {@code configureServer} and
 * {@code configureChannel} to add TLS or transport options. The suite's test groups are JUnit
 * {@code @Nested} classes of {@code TransportConformanceTest}, so that one subclass runs them all:
 * call kinds, concurrency, deadlines and cancellation, metadata and status, flow control, where
 * completions run, waiters woken by the end, responses read as a {@code java.util.stream.Stream},
 * and lifecycle. Each group extends {@link rpc.testkit.AbstractTransportTest}, which starts servers and
 * opens channels through the hooks and shuts them all down after each test. Every test has a
 * timeout, so a hanging transport fails instead of blocking the build.
 *
 * <p><b>The transport-level group.</b> {@code TransportSpi} drives the transport's
 * {@link rpc.api.spi.ClientTransport} and {@link rpc.api.spi.ServerTransport} directly, with no
 * channel or server, and checks the promises of the SPI about threads, flow control and terminal
 * events. It makes its transports through more hooks, all with working defaults:
 * {@code transportName()} (or {@code transportProvider()}), {@code serverTransportConfig()} and
 * {@code clientTransportConfig(ServerTransport)}; a TLS variant overrides the last two.
 * {@link rpc.testkit.RecordingClientListener} and {@link rpc.testkit.RecordingServerListener}
 * record each callback and every broken promise (overlapping or nested callbacks, a callback after
 * the end); a transport's own tests may use them too.
 *
 * <p><b>Fixtures.</b> {@link rpc.testkit.FakeService} is a service with one method per behaviour
 * under test that records what its handlers saw ({@link rpc.testkit.Observation});
 * {@link rpc.testkit.StringCodec} declares its messages immutable, {@link rpc.testkit.BytesCodec}
 * does not (so a transport must copy them); {@link rpc.testkit.RecordingClientInterceptor} adds
 * headers and records each call's status; {@link rpc.testkit.TestCertificates} makes TLS key
 * material with {@code keytool} at test time; {@link rpc.testkit.Waits} waits, bounded, for what a
 * test can observe instead of sleeping.
 *
 * <p>Handlers run on the server's handler threads; everything else on the test's threads. Null
 * arguments throw {@link java.lang.NullPointerException}.
 */
package rpc.testkit;
