/**
 * The public API: {@link rpc.api.Channel} and {@link rpc.api.Server}, method and service
 * descriptions, streams, status, metadata, deadlines, call options and interceptors.
 *
 * <p>Defaults for this package: a null argument throws {@link java.lang.NullPointerException}
 * unless a method says otherwise. Blocking methods run on the caller's thread and may be used from
 * virtual threads freely (no method pins its carrier). Server handlers run on their own virtual
 * thread per call; client-side callbacks (interceptors' {@code ClientCall.Listener}s) run on a
 * transport thread and must not block.
 */
package rpc.api;
