/**
 * The loadbalance example: one channel spreading calls over three servers with
 * {@code round_robin}, and a retry policy that keeps every call answered while one server is
 * shut down mid-way.
 */
package rpc.examples.loadbalance;
