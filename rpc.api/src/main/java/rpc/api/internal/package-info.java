/**
 * Implementation of the API: not exported. Blocking streams over the SPI's event-driven calls, the
 * server's handler runner, transport selection and deadline timers.
 *
 * <p>Null arguments throw {@link java.lang.NullPointerException}. Locks are
 * {@link java.util.concurrent.locks.ReentrantLock}s, never {@code synchronized}, so virtual threads
 * do not pin while they wait.
 */
package rpc.api.internal;
