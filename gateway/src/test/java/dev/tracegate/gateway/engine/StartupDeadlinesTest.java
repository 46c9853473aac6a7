package dev.tracegate.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The start-up deadline over real loopback sockets: met ones are gone at once, missed ones still end the read. */
class StartupDeadlinesTest {

    @Test
    void metDeadlinesLeaveNothingQueuedSoAStormDoesNotHoldItsSocketsForTheWholeTimeout() throws IOException {
        try (StartupDeadlines deadlines = new StartupDeadlines(Duration.ofMinutes(5));
             ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> sockets = new ArrayList<>();
            List<StartupDeadlines.Deadline> started = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sockets.add(new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                Socket accepted = listener.accept();
                sockets.add(accepted);
                started.add(deadlines.start(accepted));
            }
            assertThat(deadlines.running()).isEqualTo(50);
            for (StartupDeadlines.Deadline deadline : started) {
                assertThat(deadline.meet()).isTrue();
            }
            // Cancelled with the remove-on-cancel policy: nothing waits in the timer for five minutes.
            assertThat(deadlines.running()).isZero();
            assertThat(started).noneMatch(StartupDeadlines.Deadline::expired);
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aMissedDeadlineStillEndsTheBlockedReadAndCannotBeMetAfterwards() throws IOException {
        try (StartupDeadlines deadlines = new StartupDeadlines(Duration.ofMillis(200));
             ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket accepted = listener.accept()) {
            StartupDeadlines.Deadline deadline = deadlines.start(accepted);
            // The client sends nothing: the read ends only because the deadline shuts the input.
            assertThat(accepted.getInputStream().read()).isEqualTo(-1);
            Awaitility.await().until(deadline::expired);
            assertThat(deadline.meet()).isFalse();
            assertThat(deadlines.running()).isZero();
        }
    }
}
