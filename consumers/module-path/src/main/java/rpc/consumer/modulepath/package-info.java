/** A consumer application on the module path. Null arguments throw {@link java.lang.NullPointerException}. */
package rpc.consumer.modulepath;
