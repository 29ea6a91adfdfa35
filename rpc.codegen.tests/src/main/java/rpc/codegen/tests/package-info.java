/**
 * {@link rpc.codegen.tests.EchoService}, written against the generated
 * {@code rpc.codegen.tests.echo.EchoRpc.Service} as an application would.
 *
 * <p>Defaults for this package: a null argument throws {@link java.lang.NullPointerException}.
 */
package rpc.codegen.tests;
