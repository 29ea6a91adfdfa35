/**
 * Implementation of the API: not exported. Shared pieces live here (transport selection, the
 * deadline timer, virtual threads); the blocking stream engine in {@code stream}, the client side in
 * {@code client}, the server side in {@code server}.
 *
 * <p>Null arguments throw {@link java.lang.NullPointerException}. Locks are
 * {@link java.util.concurrent.locks.ReentrantLock}s, never {@code synchronized}, so virtual threads
 * do not pin while they wait.
 */
package rpc.api.internal;
