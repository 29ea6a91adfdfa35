/**
 * The conformance suite every transport runs: subclass {@link rpc.testkit.TransportConformanceTest}
 * and say how to open a server and a channel. Also test fixtures (codecs, a test service).
 *
 * <p>Null arguments throw {@link java.lang.NullPointerException}.
 */
package rpc.testkit;
