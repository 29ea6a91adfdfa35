/**
 * In-process transport implementation: a registry of named servers and the call pairs that connect
 * a client call to a server call. Not exported.
 *
 * <p>Listener callbacks of one call side run serialized, inline on whichever application or
 * library thread caused them (no extra threads), and never while a transport lock is held.
 */
package rpc.transport.inprocess.internal;
