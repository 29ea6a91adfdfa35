package rpc.transport.connect;

import java.util.HashMap;
import java.util.Map;

/**
 * Why conformance tests are disabled for this transport, and which: the JDK client's limits, the
 * protocol's, and (marked "server:") defects of our server's Connect side found by these tests.
 * Thread-safe (constants).
 */
final class Limits {
  static final String HALF_DUPLEX = "the JDK's HttpClient hands over no response before the request body is"
      + " complete (HTTP/1.1 and HTTP/2 alike), so a bidi call is half-duplex: this test reads a response before"
      + " it half-closes";
  static final String EARLY_END_H1 = "the server ends the call while the client's request body is still open;"
      + " over HTTP/1.1 the JDK's client reads that answer only after the client half-closes or cancels";
  static final String EARLY_END_H2 = "server: ending a call before the client half-closes, it resets the HTTP/2"
      + " stream with CANCEL instead of NO_ERROR (RFC 9113 8.1), so the JDK's client drops the response and the"
      + " call ends UNAVAILABLE instead of with the server's status";
  static final String H1_NOT_READING = "server over HTTP/1.1: it notices the client closing the connection only"
      + " when it reads the request body, so a handler that waits without reading is not told the call was"
      + " cancelled (over HTTP/2 the reset reaches it)";
  static final String H2_WINDOW = "the JDK's HTTP/2 client buffers up to its stream window (jdk.httpclient.windowsize,"
      + " 16 MiB by default, not settable per client) whatever the application reads, so a server is held back"
      + " only beyond that";
  static final String SERVER_TRACER = "server: Connect calls report no messages to the server's CallTracer";
  static final String SERVER_UNARY_COMPRESSION = "server: a Connect unary answer is gzipped even when the handler"
      + " turned message compression off (setMessageCompression(false))";
  static final String SERVER_CLOSE_RACE = "server: when the client goes away while the handler closes the call,"
      + " onCancel may arrive after the library's close(OK) returned";
  static final String TIMEOUT_DIGITS = "Connect-Timeout-Ms holds at most 10 digits (about 115 days); the test"
      + " wants a deadline over a year away to reach the handler";

  private Limits() {}

  /** What fails over both HTTP versions. */
  static Map<String, String> common() {
    Map<String, String> m = new HashMap<>();
    for (String t : new String[] {"CallKinds#bidiStreamingPingPong", "CallKinds#mutableMessagesAreNeverShared",
        "Concurrency#secondConcurrentReceiverInHandlerIsRefused",
        "DeadlinesAndCancellation#deadlineExpiringDuringStreamCancelsTheHandler",
        "DeadlinesAndCancellation#aTimeoutInKeptOptionsCountsFromEachCall",
        "DeadlinesAndCancellation#closingAStreamBeforeTheEndCancelsTheCall",
        "DeadlinesAndCancellation#serverCancelReachesTheClient", "FlowControl#messagesOfSeveralMebibytesArriveIntact",
        "Compression#eachEndSwitchesCompressionPerMessageAndTheOtherSeesIt",
        "Interceptors#everyCallEndsExactlyOnceInEachInterceptorWhateverEndsIt",
        "Interceptors#theFirstAddedRunsFirstOutAndLastBack", "Tracers#bothEndsSeeHeadersEachMessageAndTheEnd",
        "Lifecycle#serverShutdownLetsCallsInFlightFinish", "Lifecycle#channelCloseLetsCallsInFlightFinish",
        "Callbacks#clientCallbacksNeverOverlapWhileOtherThreadsRequestAndCancel",
        "Demand#serverSenderIsStoppedByAClientThatDoesNotRequestAndResumedByOnReady",
        "Shutdown#clientShutdownLetsACallInFlightFinishAndThenTerminates",
        "Shutdown#serverShutdownLetsACallInFlightFinishAndThenTerminates",
        "Ends#errorCloseEndsTheClientCallWithExactlyOneOnClose", "Ends#anOversizedResponseEndsBothSidesOnce"}) {
      m.put(t, HALF_DUPLEX);
    }
    m.put("DeadlinesAndCancellation#theLongestDeadlineIsCarriedIntact", TIMEOUT_DIGITS);
    m.put("Compression#withoutAnEncodingNothingIsCompressed", SERVER_UNARY_COMPRESSION);
    m.put("Tracers#compressedMessagesReportTheSameWireSizeOnBothEnds", SERVER_TRACER);
    m.put("Callbacks#clientCancelRacingServerCloseEndsEachSideOnce", SERVER_CLOSE_RACE);
    return m;
  }

  /** Tests whose server ends a call before the client half-closes. */
  private static final String[] EARLY_END = {"CallKinds#unknownMethodIsUnimplemented",
      "MetadataAndStatus#serverInterceptorRejectsUnauthenticatedCalls", "Waiters#interruptedHandlerThreadGetsCancelled",
      "Waiters#senderLeftBehindByItsHandlerWakesWhenTheCallEnds",
      "Waiters#receiverLeftBehindByItsHandlerWakesWhenTheCallEnds",
      "Callbacks#clientHalfCloseRacingServerCloseEndsEachSideOnce",
      "Callbacks#clientMessagesRacingServerCloseNeverReachTheClosedCall",
      "Demand#aServerThatClosesWhileWaitingForOnReadyGetsNoCallbackAfterItsClose",
      "Ends#startOfAnUnknownMethodEndsWithExactlyOneOnCloseUnimplemented",
      "Ends#anOversizedRequestEndsBothSidesOnceWithResourceExhausted"};

  /** Over HTTP/1.1 ({@code connect+http}). */
  static Map<String, String> http1() {
    Map<String, String> m = common();
    for (String t : EARLY_END) {
      m.put(t, EARLY_END_H1);
    }
    m.put("Shutdown#serverShutdownNowEndsEveryCallOnBothSides", EARLY_END_H1);
    m.put("Concurrency#secondConcurrentSenderInHandlerIsRefused", HALF_DUPLEX);
    for (String t : new String[] {"DeadlinesAndCancellation#cancellingTheFutureCancelsTheCall",
        "DeadlinesAndCancellation#interruptingABlockedCallerCancelsTheCall",
        "Interceptors#cancelFromAnotherThreadEndsTheCallWithThatStatus",
        "HandlerContext#cancellingTheHandlersCallCancelsTheAsynchronousCallItMade",
        "Lifecycle#channelShutdownNowEndsCallsInFlight",
        "Demand#aClientThatCancelsWhileWaitingForOnReadyGetsNoCallbackAfterOnClose",
        "Shutdown#clientShutdownNowEndsEveryCallOnBothSides", "Ends#serverCloseAfterOnCancelIsIgnored",
        "Ends#clientCancelEndsTheClientCallWithExactlyOneOnClose"}) {
      m.put(t, H1_NOT_READING);
    }
    return m;
  }

  /** Over HTTP/2 with TLS ({@code connect+https}). */
  static Map<String, String> http2() {
    Map<String, String> m = common();
    for (String t : EARLY_END) {
      m.put(t, EARLY_END_H2);
    }
    m.put("Demand#aClientWaitingForOnReadyGetsNoCallbackAfterTheServerEndsTheCall", EARLY_END_H2);
    m.put("Ends#serverCloseEndsTheServerListenersCallbacks", EARLY_END_H2);
    m.put("FlowControl#messagesOverTheDefaultLimitFailResourceExhausted", EARLY_END_H2);
    m.put("FlowControl#clientThatDoesNotReadStopsTheServerSender", H2_WINDOW);
    m.put("Concurrency#secondConcurrentSenderInHandlerIsRefused", H2_WINDOW);
    return m;
  }
}
