/**
 * The HTTP/2 wire conformance suite every gRPC-over-HTTP/2 transport runs, on top of the
 * transport-neutral suite of {@code rpc.testkit}.
 *
 * <p><b>Running the suite.</b> Subclass {@link rpc.testkit.http2.Http2WireConformanceTest} once per
 * transport; override {@code configureServer} and {@code configureChannel} to pick the transport or
 * set its options. Servers listen on {@code 127.0.0.1:0} in plaintext (prior-knowledge h2c, what the
 * raw peers speak) and channels target {@code 127.0.0.1:PORT}. The test groups are JUnit
 * {@code @Nested} classes of the suite: bad input sent as raw frames, our channel against scripted
 * servers, header limits, large responses, compression. Each group extends
 * {@link rpc.testkit.AbstractTransportTest}, so servers and channels are shut down after each test
 * and every test has a timeout.
 *
 * <p><b>The peers.</b> A raw client on Jetty's low-level {@code HTTP2Client} sends what a gRPC client
 * never would (a prefix longer than its message, a reset in mid-message, a {@code :path} without its
 * slash, HEADERS after the end of the request); scripted servers on Jetty's
 * {@code RawHTTP2ServerConnectionFactory} answer with HTTP errors, resets, missing statuses, one-byte
 * DATA frames, or a dropped connection, and count the connections and PINGs they see.
 *
 * <p>Tests run on JUnit's threads; the peers' listeners on Jetty's. Null arguments throw
 * {@link java.lang.NullPointerException}.
 */
package rpc.testkit.http2;
