package dev.tracegate.gateway.evidence;

/** Somewhere outside the gateway's store that receives every signed checkpoint. */
public interface CheckpointSink {

    /** Publishes; failures are reported by the sink and never stop the gateway. */
    void publish(CheckpointService.SignedCheckpoint checkpoint);
}
