/**
 * The blocking stream engine the client and server ends share: waiting for credit and messages,
 * misuse detection, the byte-bounded read-ahead, and the one place a call ends and wakes its
 * waiters. Not exported.
 *
 * <p>Null arguments throw {@link java.lang.NullPointerException}. Locks are
 * {@link java.util.concurrent.locks.ReentrantLock}s, never {@code synchronized}, so virtual threads
 * do not pin while they wait; no transport method is called while one is held.
 */
package rpc.api.internal.stream;
