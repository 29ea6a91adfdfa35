package rpc.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import rpc.api.CallTracer;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * A {@link CallTracer} that keeps every event as text ({@code out-headers x-t=1},
 * {@code out-message 2/2 plain}, {@code in-message 40/4096 compressed}, {@code ended OK}, …) and
 * the threads the handler events ran on. Thread-safe.
 */
final class RecordingTracer implements CallTracer {
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<Thread> handlerThreads = new CopyOnWriteArrayList<>();
  volatile Status status;
  volatile Metadata trailers;
  private final String header;

  /** Records the value of request/response header {@code header} with each headers event. */
  RecordingTracer(String header) {
    this.header = header;
  }

  @Override
  public void outboundHeaders(Metadata headers) {
    events.add("out-headers " + header + "=" + headers.get(header));
  }

  @Override
  public void inboundHeaders(Metadata headers) {
    events.add("in-headers " + header + "=" + headers.get(header));
  }

  @Override
  public void outboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
    events.add("out-message " + wireSize + "/" + uncompressedSize + (compressed ? " compressed" : " plain"));
  }

  @Override
  public void inboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
    events.add("in-message " + wireSize + "/" + uncompressedSize + (compressed ? " compressed" : " plain"));
  }

  @Override
  public void handlerStarting() {
    handlerThreads.add(Thread.currentThread());
    events.add("handler-starting");
  }

  @Override
  public void handlerFinished() {
    handlerThreads.add(Thread.currentThread());
    events.add("handler-finished");
  }

  @Override
  public void callEnded(Status s, Metadata t) {
    trailers = t.copy();
    status = s;
    events.add("ended " + s.code());
  }

  /** The events that start with {@code prefix}. */
  List<String> events(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).toList();
  }
}
