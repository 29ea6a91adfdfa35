/**
 * Implementation of {@code rpc.services}: the health status registry and the handlers of the
 * health and reflection services. Not exported.
 */
package rpc.services.internal;
