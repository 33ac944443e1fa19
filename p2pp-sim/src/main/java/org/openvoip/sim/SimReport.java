package org.openvoip.sim;

/**
 * What an {@link Experiment} measured. Every field is a function of the configuration and seed
 * alone, except the wall-clock ones ({@code eventsPerWallSecond}, {@code wallMillis},
 * {@code heapUsedBytes}); {@link #withoutWallClock()} zeroes those so that two runs compare.
 *
 * <p>Byte rates: {@code bytesPerNodePerSecond} is every byte every node sent during the measured
 * period (P2PP maintenance, churn repair <em>and</em> the workload's lookups), divided by the
 * number of nodes (all of them, online or not) and by the measured seconds. The simulated network
 * counts bytes per node, not per message type, so workload bytes cannot be subtracted exactly;
 * {@code idleBytesPerNodePerSecond} is the same rate over the end of the stabilization period,
 * with no workload and no churn: pure maintenance of a stable overlay. The difference between the
 * two is the cost of the workload and of churn.
 *
 * <p>Objects: {@code objectsAtOwnerMean} and {@code objectsAtOwnerMin} are the mean and the
 * lowest share of the published objects that their owner by ground truth held, checked once a
 * minute of the measured period (without adding events, so the run is the same);
 * {@code objectsLost} counts those that no online node held at the end.
 *
 * <p>Lookups: each one issued is judged succeeded, wrong or failed, or abandoned when the node
 * that issued it crashed or left before the answer came (no one is left to use the answer, and
 * the engine that would have retried is gone). The success ratios count the judged lookups, the
 * abandoned ones apart: {@code lookupsSucceeded / (lookupsIssued - lookupsAbandoned)}.
 *
 * @param lookupsAbandoned lookups whose issuing node crashed or left before the answer
 * @param successRatio succeeded / (issued - abandoned)
 * @param peerLookupSuccess the share of LookupPeers that found the owner (routing consistency)
 * @param objectLookupSuccess the share of LookupObjects that brought the object back
 * @param latencyMeanMillis mean latency of the lookups that succeeded
 * @param liveNodesAtEnd nodes online and joined at the end of the run
 * @param joinFailures joins that failed (and were retried) during the whole run
 * @param fingerprint the {@link SimNetwork#fingerprint()} of the whole run, as 16 hex digits
 */
public record SimReport(
    String overlay,
    int nodes,
    long seed,
    long durationMillis,
    String churn,
    long lookupsIssued,
    long lookupsSucceeded,
    long lookupsWrong,
    long lookupsFailed,
    long lookupsAbandoned,
    double successRatio,
    double peerLookupSuccess,
    double objectLookupSuccess,
    long latencyP50Millis,
    long latencyP90Millis,
    long latencyP99Millis,
    double latencyMeanMillis,
    double meanHops,
    double bytesPerNodePerSecond,
    double idleBytesPerNodePerSecond,
    int objectsPublished,
    double objectsAtOwnerMean,
    double objectsAtOwnerMin,
    int objectsLost,
    long crashes,
    long leaves,
    long restarts,
    int liveNodesAtEnd,
    long joinFailures,
    long eventsExecuted,
    double eventsPerWallSecond,
    long wallMillis,
    long heapUsedBytes,
    String fingerprint) {

  /** This report with the wall-clock fields zeroed: equal for two runs with the same seed. */
  public SimReport withoutWallClock() {
    return new SimReport(overlay, nodes, seed, durationMillis, churn, lookupsIssued,
        lookupsSucceeded, lookupsWrong, lookupsFailed, lookupsAbandoned, successRatio, peerLookupSuccess,
        objectLookupSuccess, latencyP50Millis,
        latencyP90Millis, latencyP99Millis, latencyMeanMillis, meanHops, bytesPerNodePerSecond,
        idleBytesPerNodePerSecond, objectsPublished, objectsAtOwnerMean, objectsAtOwnerMin,
        objectsLost, crashes, leaves, restarts, liveNodesAtEnd, joinFailures, eventsExecuted, 0,
        0, 0, fingerprint);
  }
}
