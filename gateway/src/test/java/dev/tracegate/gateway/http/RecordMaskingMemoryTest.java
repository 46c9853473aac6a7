package dev.tracegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingProfile;
import dev.tracegate.masking.config.MaskingConfig;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The record's masking memory on live answers, which mostly differ, and on an answer served again:
 * a share seen once is masked without being digested or held; from its second sighting on it is
 * remembered and found, recorded alike every time.
 */
class RecordMaskingMemoryTest {

    private static final Masker RECORD = new Masker(MaskingProfile.from(MaskingConfig.defaults(), null));

    @Test
    void answersThatNeverRepeatAreMaskedWithoutBeingDigestedOrHeld() {
        RecordMaskingMemory memory = new RecordMaskingMemory();
        AtomicInteger masked = new AtomicInteger();
        for (int i = 0; i < 500; i++) {
            RecordMaskingMemory.Masked result = mask(memory, answer("order " + i), masked);
            assertThat(new String(result.bytes(), StandardCharsets.UTF_8)).contains("order " + i)
                    .doesNotContain("ada@example.com");
        }
        assertThat(masked).hasValue(500);
        assertThat(memory.digested()).isZero();
        assertThat(memory.held()).isZero();
    }

    @Test
    void anAnswerServedAgainIsRememberedFromItsSecondSightingAndRecordedAlike() {
        RecordMaskingMemory memory = new RecordMaskingMemory();
        AtomicInteger masked = new AtomicInteger();
        byte[] body = answer("listing");
        RecordMaskingMemory.Masked first = mask(memory, body, masked);
        RecordMaskingMemory.Masked second = mask(memory, body, masked);
        RecordMaskingMemory.Masked third = mask(memory, body, masked);
        assertThat(masked).hasValue(2);
        assertThat(memory.hits()).isEqualTo(1);
        assertThat(memory.held()).isEqualTo(1);
        assertThat(second.bytes()).isEqualTo(first.bytes());
        assertThat(third.bytes()).isEqualTo(first.bytes());
        assertThat(third.found()).isEqualTo(first.found());
    }

    private static byte[] answer(String note) {
        return ("{\"note\":\"" + note + "\",\"mail\":\"ada@example.com\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static RecordMaskingMemory.Masked mask(RecordMaskingMemory memory, byte[] body, AtomicInteger masked) {
        BodyCapture capture = BodyCapture.ofWhole(body, 64 * 1024);
        return memory.masked(RECORD, "response.body", BodyMasking.Kind.JSON, false, capture.keptBuffer(),
                capture.keptSize(), () -> {
                    masked.incrementAndGet();
                    return ExchangeEvidence.recordMasked(RECORD, capture, "response.body", BodyMasking.Kind.JSON);
                });
    }
}
