package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code clock.stepped} event: the wall clock went back, and from here events carry the log's own time. */
final class ClockStep {

    private ClockStep() {
    }

    /**
     * @param stamp the log time given to the first event sealed after the step, with how far the
     *              wall clock went back and what it said then
     */
    static EvidenceEvent event(LogClock.Stamp stamp) {
        ObjectNode detail = EvidenceEvent.newDetail();
        detail.put("wall_clock", stamp.wallClock().toString());
        detail.put("log_time", stamp.time().toString());
        detail.put("stepped_back_ms", stamp.steppedBack().toMillis());
        detail.put("reason", "the wall clock went back; events carry the log's time, advanced by the monotonic clock,"
                + " until the wall clock has caught up");
        return new EvidenceEvent(stamp.time(), EventType.CLOCK_STEPPED, EvidenceEvent.GATEWAY, null, null, null, detail);
    }
}
