package rpc.opentelemetry.internal;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Locale;
import rpc.api.Metadata;

/**
 * Reads and writes propagation fields ({@code traceparent}, {@code tracestate}, {@code baggage})
 * in a call's {@link Metadata}: ASCII keys only, lower-cased as HTTP/2 sends them. A field the
 * metadata refuses (a value that is not printable ASCII) is left out rather than failing the call.
 * Thread-safe (stateless); the metadata is not.
 */
enum MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  INSTANCE;

  @Override
  public String get(Metadata carrier, String key) {
    if (carrier == null) {
      return null;
    }
    String k = key.toLowerCase(Locale.ROOT);
    return Metadata.isBinaryKey(k) ? null : carrier.get(k);
  }

  @Override
  public void set(Metadata carrier, String key, String value) {
    if (carrier == null) {
      return;
    }
    try {
      String k = key.toLowerCase(Locale.ROOT);
      carrier.removeAll(k);
      carrier.put(k, value);
    } catch (IllegalArgumentException refused) {
      // not a valid gRPC ASCII header: the trace continues without this field
    }
  }
}
