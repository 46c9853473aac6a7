package dev.tracegate.gateway.siem;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/** Where OCSF events go. Called by one {@link DeliveryQueue} thread only. */
interface SiemDestination extends AutoCloseable {

    /** A short name for metrics and logs: {@code syslog} or {@code http}. */
    String name();

    /** Sends {@code events}, in order; throws when they may not have arrived, and they are sent again. */
    void send(List<ObjectNode> events) throws IOException;

    /** Most events one {@link #send} takes. */
    int batchEvents();

    @Override
    void close();
}
