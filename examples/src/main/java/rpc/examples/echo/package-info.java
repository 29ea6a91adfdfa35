/**
 * The generated classes of the {@code grpc.examples.echo.Echo} service and its implementation,
 * used by the multiplex example.
 *
 * <p>Unless stated otherwise, a null argument throws {@link NullPointerException}.
 */
package rpc.examples.echo;
