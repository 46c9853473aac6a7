package dev.tracegate.wire.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopyMessagesTest {

    @Test
    void copyDataRoundTripsAndPrintsOnlyItsSize() throws Exception {
        CopyData data = new CopyData("1\talice\n".getBytes());
        PgFrame frame = data.encode();

        assertThat(frame.typeChar()).isEqualTo('d');
        assertThat(CopyData.decode(frame.body())).isEqualTo(data);
        assertThat(data.toString()).isEqualTo("CopyData[8 bytes]").doesNotContain("alice");
    }

    @Test
    void copyDoneIsAnEmptyMessage() throws Exception {
        assertThat(CopyDone.INSTANCE.encode().toWireBytes()).containsExactly('c', 0, 0, 0, 4);
        assertThat(CopyDone.decode(new byte[0])).isSameAs(CopyDone.INSTANCE);
        assertThatThrownBy(() -> CopyDone.decode(new byte[1])).isInstanceOf(ProtocolException.class);
    }
}
