package dev.tracegate.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracegate.gateway.postgres.InFlightCommand.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pairing model on its own, with the message orders PostgreSQL was observed to answer (see
 * ProtocolPairingThroughGatewayTest for the same orders against a real server).
 */
class ResponsePairingTest {

    private final InFlightCommands sent = new InFlightCommands();
    private final ResponsePairing pairing = new ResponsePairing(sent);

    @Test
    void aQueryTheServerSkipsAfterAFailedExecuteIsReportedSkippedAndTheNextQueryOwnsItsRows() throws Exception {
        InFlightCommand execute = send(Kind.EXECUTE);
        InFlightCommand skippedQuery = send(Kind.QUERY);
        InFlightCommand sync = send(Kind.SYNC);
        assertThat(pair('E')).isEqualTo(new ResponsePairing.Answer(execute, true, List.of()));
        assertThat(pair('Z')).isEqualTo(new ResponsePairing.Answer(sync, true, List.of(skippedQuery)));
        InFlightCommand next = send(Kind.QUERY);
        assertThat(owners("TDDC")).containsOnly(next);
        assertThat(pair('Z')).isEqualTo(new ResponsePairing.Answer(next, true, List.of()));
    }

    @Test
    void aQueryInsideAnOpenBatchRunsAndEndsBeforeTheSync() throws Exception {
        InFlightCommand parse = send(Kind.PARSE);
        InFlightCommand bind = send(Kind.BIND);
        InFlightCommand query = send(Kind.QUERY);
        InFlightCommand sync = send(Kind.SYNC);
        assertThat(owners("12TDCZZ")).containsExactly(parse, bind, query, query, query, query, sync);
    }

    @Test
    void flushesAndCopyMessagesOutsideACopyAnswerNothing() throws Exception {
        send(Kind.FLUSH);
        send(Kind.COPY_DATA);
        send(Kind.COPY_DONE);
        send(Kind.COPY_FAIL);
        InFlightCommand query = send(Kind.QUERY);
        assertThat(owners("TDCZ")).containsOnly(query);
    }

    @Test
    void aSyncThatFailsToCommitAnswersAnErrorAndThenReadyForQuery() throws Exception {
        InFlightCommand execute = send(Kind.EXECUTE);
        InFlightCommand sync = send(Kind.SYNC);
        assertThat(owners("CEZ")).containsExactly(execute, sync, sync);
    }

    @Test
    void aStatementDescribeAnswersParametersThenRows() throws Exception {
        InFlightCommand describe = send(Kind.DESCRIBE_STATEMENT);
        InFlightCommand sync = send(Kind.SYNC);
        assertThat(owners("tTZ")).containsExactly(describe, describe, sync);
        send(Kind.DESCRIBE_STATEMENT);
        send(Kind.SYNC);
        assertThatThrownBy(() -> pair('T')).isInstanceOf(PairingLostException.class)
                .hasMessageContaining("RowDescription").hasMessageContaining("DESCRIBE_STATEMENT");
    }

    @Test
    void somethingTheServerCannotSendNowEndsThePairing() {
        assertThatThrownBy(() -> pair('Z')).isInstanceOf(PairingLostException.class)
                .hasMessageContaining("no message of the client left to answer");
        send(Kind.QUERY);
        assertThatThrownBy(() -> pair('D')).isInstanceOf(PairingLostException.class)
                .hasMessageContaining("DataRow");
    }

    @Test
    void noticesNotificationsAndParameterStatusesComeAnyTimeAndChangeNothing() throws Exception {
        assertThat(pair('N').owner()).isNull();
        assertThat(pair('A').owner()).isNull();
        InFlightCommand query = send(Kind.QUERY);
        assertThat(owners("T")).containsExactly(query);
        assertThat(pair('S')).isEqualTo(new ResponsePairing.Answer(query, false, List.of()));
        assertThat(owners("DCZ")).containsOnly(query);
    }

    @Test
    void afterAFatalErrorNothingElseIsExpected() throws Exception {
        InFlightCommand query = send(Kind.QUERY);
        assertThat(owners("T")).containsExactly(query);
        assertThat(pairing.pair((byte) 'E', true)).isEqualTo(new ResponsePairing.Answer(query, true, List.of()));
        assertThatThrownBy(() -> pair('Z')).isInstanceOf(PairingLostException.class).hasMessageContaining("FATAL");
    }

    @Test
    void aFatalErrorIsTakenWhileTheOrderAfterAFailedCopyIsStillOpenAndASecondOneIsNot() throws Exception {
        send(Kind.EXECUTE);
        send(Kind.SYNC);
        send(Kind.COPY_DONE);
        send(Kind.QUERY);
        send(Kind.SYNC);
        owners("GE");
        assertThat(pairing.pair((byte) 'E', true)).isEqualTo(new ResponsePairing.Answer(null, false, List.of()));
        assertThatThrownBy(() -> pairing.pair((byte) 'E', true)).isInstanceOf(PairingLostException.class)
                .hasMessageContaining("second FATAL");
    }

    @Test
    void aCompletedCopyFromStdinReadsTheClientsMessagesUpToCopyDoneSwallowingSyncs() throws Exception {
        InFlightCommand copy = send(Kind.QUERY);
        send(Kind.COPY_DATA);
        send(Kind.SYNC);
        send(Kind.COPY_DATA);
        send(Kind.COPY_DONE);
        InFlightCommand next = send(Kind.QUERY);
        assertThat(owners("GCZ")).containsOnly(copy);
        assertThat(owners("TDCZ")).containsOnly(next);
    }

    @Test
    void aFailedExtendedCopyIsFollowedWhicheverWayTheServerReadItsSync() throws Exception {
        for (String answers : List.of("Z", "ZZ")) {
            InFlightCommands messages = new InFlightCommands();
            ResponsePairing model = new ResponsePairing(messages);
            List<InFlightCommand> batch = new ArrayList<>();
            for (Kind kind : List.of(Kind.PARSE, Kind.BIND, Kind.EXECUTE, Kind.SYNC, Kind.COPY_DATA, Kind.COPY_DONE,
                    Kind.SYNC)) {
                InFlightCommand message = InFlightCommand.of(kind);
                messages.add(message);
                batch.add(message);
            }
            InFlightCommand next = InFlightCommand.of(Kind.QUERY);
            for (char type : ("12GE" + answers).toCharArray()) {
                model.pair((byte) type, false);
            }
            messages.add(next);
            for (char type : "TDCZ".toCharArray()) {
                assertThat(model.pair((byte) type, false).owner()).as(answers).isSameAs(next);
            }
        }
    }

    @Test
    void aFailedCopyWhoseSyncDecidesWhetherACommandRunsEndsThePairing() throws Exception {
        send(Kind.EXECUTE);
        send(Kind.SYNC);
        send(Kind.COPY_DATA);
        send(Kind.COPY_DONE);
        send(Kind.EXECUTE);
        send(Kind.SYNC);
        owners("GE");
        // The ReadyForQuery answers the first Sync (and the second Execute runs) or the last one
        // (and the second Execute was skipped): the gateway does not guess.
        assertThatThrownBy(() -> pair('Z')).isInstanceOf(PairingLostException.class)
                .hasMessageContaining("COPY");
    }

    @Test
    void aFailedCopyWithManySyncsAmongItsDataIsRefused() throws Exception {
        send(Kind.QUERY);
        for (int i = 0; i <= ResponsePairing.MAX_UNCERTAIN_SYNCS; i++) {
            send(Kind.COPY_DATA);
            send(Kind.SYNC);
        }
        owners("G");
        assertThatThrownBy(() -> pair('E')).isInstanceOf(PairingLostException.class).hasMessageContaining("Syncs");
    }

    @Test
    void aLongPipelineIsPairedInOrder() throws Exception {
        List<InFlightCommand> executes = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            send(Kind.BIND);
            executes.add(send(Kind.EXECUTE));
        }
        send(Kind.SYNC);
        for (InFlightCommand execute : executes) {
            pair('2');
            assertThat(pair('D').owner()).isSameAs(execute);
            assertThat(pair('C').ends()).isTrue();
        }
        assertThat(pair('Z').owner().kind).isEqualTo(Kind.SYNC);
    }

    @Test
    void whateverTheServerSendsRowsOnlyEverBelongToAQueryOrExecute() {
        byte[] backend = "123tTnDCIsEZVGHdcNAS".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Kind[] kinds = Kind.values();
        for (long seed = 0; seed < 2_000; seed++) {
            java.util.Random random = new java.util.Random(seed);
            InFlightCommands messages = new InFlightCommands();
            ResponsePairing model = new ResponsePairing(messages);
            for (int i = 0; i < 12; i++) {
                messages.add(InFlightCommand.of(kinds[random.nextInt(kinds.length)]));
            }
            try {
                for (int i = 0; i < 40; i++) {
                    byte type = backend[random.nextInt(backend.length)];
                    ResponsePairing.Answer answer = model.pair(type, type == 'E' && random.nextInt(10) == 0);
                    Kind owner = answer.owner() == null ? null : answer.owner().kind;
                    if (type == 'D' || type == 'd' || type == 'H' || type == 'G') {
                        assertThat(owner).as("seed " + seed).isIn(Kind.QUERY, Kind.EXECUTE);
                    }
                    if (type == 'V') {
                        assertThat(owner).as("seed " + seed).isEqualTo(Kind.FUNCTION_CALL);
                    }
                    if (type == 'T') {
                        assertThat(owner).as("seed " + seed).isIn(Kind.QUERY, Kind.DESCRIBE_PORTAL, Kind.DESCRIBE_STATEMENT);
                    }
                    assertThat(answer.skipped()).allMatch(skipped -> skipped.kind.isRecordedCommand());
                }
            } catch (PairingLostException expected) {
                // Refusing is always allowed; misreading never is.
            }
        }
    }

    private InFlightCommand send(Kind kind) {
        InFlightCommand message = InFlightCommand.of(kind);
        sent.add(message);
        return message;
    }

    private ResponsePairing.Answer pair(char type) throws PairingLostException {
        return pairing.pair((byte) type, false);
    }

    private List<InFlightCommand> owners(String types) throws PairingLostException {
        List<InFlightCommand> owners = new ArrayList<>();
        for (char type : types.toCharArray()) {
            owners.add(pair(type).owner());
        }
        return owners;
    }
}
