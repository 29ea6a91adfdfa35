/**
 * The implementation of the interop server and client: the test service, the metadata-echo
 * interceptor, the test cases, command-line flags and TLS set-up. Not exported.
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}.
 */
package rpc.interop.internal;
