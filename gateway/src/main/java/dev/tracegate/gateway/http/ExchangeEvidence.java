package dev.tracegate.gateway.http;

import dev.tracegate.gateway.evidence.EvidenceLog;
import dev.tracegate.gateway.evidence.EvidenceLogUnavailableException;
import dev.tracegate.gateway.guard.Ruling;
import dev.tracegate.gateway.operations.CostAccounting;
import dev.tracegate.gateway.recording.ResultEvidence;
import dev.tracegate.gateway.recording.ResultRecord;
import dev.tracegate.gateway.recording.SessionRecorder;
import dev.tracegate.masking.ColumnRef;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.FallbackReason;
import dev.tracegate.masking.Masker;
import dev.tracegate.masking.MaskingRefusedException;
import dev.tracegate.masking.MaskingReport;
import dev.tracegate.masking.MaskingSummary;
import dev.tracegate.policy.rules.CallerMasking;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the evidence keeps of one proxied request's outcome: status, timing, the masking applied
 * to both bodies, and the bodies' kept share, masked for everyone (with the caller's profile as
 * they streamed, or with the policy's record profile for callers who see clear text).
 */
final class ExchangeEvidence {

    private final SessionRecorder recorder;
    private final long sequence;
    private final Ruling ruling;
    private final RecordMaskingMemory recordMasks;
    /** How the request body reads, by its content type: a form is recorded field by field. */
    private final BodyMasking.Kind requestKind;
    private final long startedNanos = System.nanoTime();
    private final MaskingReport requestReport = new MaskingReport();
    private final MaskingReport responseReport = new MaskingReport();

    /**
     * @param sequence    the request's command in its session
     * @param recordMasks the listener's memory of kept bodies masked with the record profile
     * @param requestKind how the request's body reads, by its content type
     */
    ExchangeEvidence(SessionRecorder recorder, long sequence, Ruling ruling, RecordMaskingMemory recordMasks,
                     BodyMasking.Kind requestKind) {
        this.requestKind = requestKind;
        this.recorder = recorder;
        this.sequence = sequence;
        this.ruling = ruling;
        this.recordMasks = recordMasks;
    }

    SessionRecorder recorder() {
        return recorder;
    }

    MaskingReport requestReport() {
        return requestReport;
    }

    MaskingReport responseReport() {
        return responseReport;
    }

    /** A body the policy lets through unmasked ({@code masking.otherContent: pass}) is reported as such. */
    void passedUnmasked(String location) {
        MaskingReport report = location.startsWith("request") ? requestReport : responseReport;
        report.fallback(location, FallbackReason.UNMASKABLE, FallbackAction.PASS);
    }

    /** A body the masker refused: the request does not go on. */
    void refused(String message) {
        recorder.blocked(sequence, "refused", "masking", message, "write", null);
    }

    /** A request whose body names a method the policy refuses here ({@link JsonMethodFields}): it does not go on. */
    void blockedByBody(String rule, String reason) {
        recorder.blocked(sequence, "blocked", rule, reason, ruling.statementClass(), null);
    }

    /**
     * The request's result, queued (a request that failed: the client's error answer follows).
     *
     * @param requestBody  what went upstream, or {@code null}
     * @param responseBody what came back, or {@code null}
     * @param responseType the response's content type, or {@code null}
     */
    void result(int status, String error, BodyCapture requestBody, BodyCapture responseBody, String responseType) {
        recorder.result(record(status, error), evidence(requestBody, responseBody, responseType));
    }

    /**
     * The result of a request answered whole, durable before the client sees the end of the
     * response (so a client that has its answer knows the evidence has it too).
     */
    void completed(int status, BodyCapture requestBody, BodyCapture responseBody, String responseType) {
        try {
            EvidenceLog.awaitDurable(recorder.resultToAwait(record(status, null),
                    evidence(requestBody, responseBody, responseType)));
        } catch (EvidenceLogUnavailableException e) {
            // The command is durable already; the evidence writer reports its own failure.
        }
    }

    private ResultRecord record(int status, String error) {
        long micros = (System.nanoTime() - startedNanos) / 1_000;
        String statusText = error == null && status < 400 ? "ok" : "error";
        return new ResultRecord(sequence, statusText, List.of("HTTP " + status), 0, micros,
                error == null ? null : "HTTP", error);
    }

    private ResultEvidence evidence(BodyCapture requestBody, BodyCapture responseBody, String responseType) {
        Kept requestData = requestBody == null ? Kept.NOTHING : kept(requestBody, "request.body", requestKind);
        Kept responseData = responseBody == null ? Kept.NOTHING
                : kept(responseBody, "response.body", BodyMasking.Kind.of(responseType));
        CallerMasking masking = ruling.masking().orElse(null);
        ResultEvidence.MaskingApplied applied = masking == null ? null : new ResultEvidence.MaskingApplied(
                masking.rule(), masking.profile(), requestReport.snapshot().plus(responseReport.snapshot()));
        MaskingSummary recorded = requestData.recorded() == null ? responseData.recorded()
                : responseData.recorded() == null ? requestData.recorded() : requestData.recorded().plus(responseData.recorded());
        return new ResultEvidence(responseData.bytes(), 0, responseBody != null && responseBody.truncated(),
                applied, recorded, requestData.bytes(), responseType);
    }

    /** A body as the evidence keeps it, and what masking it for the record found. */
    private record Kept(byte[] bytes, MaskingSummary recorded) {
        static final Kept NOTHING = new Kept(null, null);
    }

    /** What the evidence keeps of a body: masked already for masked callers; masked here for the others. */
    private Kept kept(BodyCapture capture, String location, BodyMasking.Kind kind) {
        if (capture.keptSize() == 0) {
            return Kept.NOTHING;
        }
        if (ruling.masking().isPresent()) {
            return new Kept(capture.kept(), null);
        }
        Masker recording = ruling.recordingMasker();
        RecordMaskingMemory.Masked masked = recordMasks.masked(recording, location, kind, capture.truncated(),
                capture.keptBuffer(), capture.keptSize(), () -> recordMasked(recording, capture, location, kind));
        return new Kept(masked.bytes(), masked.found());
    }

    /**
     * The kept share masked with the record profile as its reader reads it, as a masked caller's
     * would be: a form field by field (a share cut at the budget without its last, cut pair); an
     * event stream event by event, an NDJSON body and other text line by line, each with the JSON
     * it holds masked as JSON (field rules and name hints); one JSON document as one; anything else,
     * or what those readings refuse, as text. A JSON document is masked from its bytes, which the
     * masker copies but for what it replaces (and returns as they are when it replaces nothing); only
     * a body that is not such a document (not JSON, or not UTF-8, which the text form reads with
     * replacement characters) is decoded.
     */
    static RecordMaskingMemory.Masked recordMasked(Masker recording, BodyCapture capture, String location,
                                                   BodyMasking.Kind kind) {
        if ((kind == BodyMasking.Kind.JSON || kind == BodyMasking.Kind.OTHER) && !capture.truncated()) {
            byte[] kept = capture.kept();
            MaskingReport report = new MaskingReport();
            try {
                byte[] masked = recording.json(location).mask(kept, report);
                if (CostAccounting.ON && masked != kept) {
                    CostAccounting.COPIES.increment(); // the document copied around its masked values
                }
                return new RecordMaskingMemory.Masked(masked, report.snapshot());
            } catch (MaskingRefusedException notJson) {
                // Not one JSON document in UTF-8: as text below.
            }
        }
        String text = capture.keptText();
        if (CostAccounting.ON) {
            CostAccounting.COPIES.add(2); // masked into a new text, encoded again
        }
        if (kind == BodyMasking.Kind.TEXT || kind == BodyMasking.Kind.EVENTS || kind == BodyMasking.Kind.NDJSON) {
            MaskingReport report = new MaskingReport();
            ByteArrayOutputStream masked = new ByteArrayOutputStream(capture.keptSize() + 64);
            try {
                // NDJSON as text: a share cut at the budget is still masked line by line, JSON lines as JSON.
                BodyMasking.copy(kind == BodyMasking.Kind.EVENTS ? kind : BodyMasking.Kind.TEXT, recording, location,
                        new ByteArrayInputStream(capture.keptBuffer(), 0, capture.keptSize()), masked, report);
                return new RecordMaskingMemory.Masked(masked.toByteArray(), report.snapshot());
            } catch (MaskingRefusedException | IOException refused) {
                // Too long to tell from JSON, nested too deep: scanned as text below.
            }
        }
        if (kind == BodyMasking.Kind.FORM) {
            String whole = capture.truncated() ? text.substring(0, Math.max(0, text.lastIndexOf('&'))) : text;
            MaskingReport report = new MaskingReport();
            try {
                byte[] masked = FormMasking.mask(recording.json(location), location, whole, report)
                        .getBytes(StandardCharsets.UTF_8);
                return new RecordMaskingMemory.Masked(masked, report.snapshot());
            } catch (MaskingRefusedException malformed) {
                // A malformed escape: scanned as text below.
            }
        }
        if (!capture.truncated()) {
            MaskingReport report = new MaskingReport();
            try {
                // Bytes that are not UTF-8 but decode to a JSON document (with replacement characters).
                byte[] masked = recording.json(location).mask(text, report).getBytes(StandardCharsets.UTF_8);
                return new RecordMaskingMemory.Masked(masked, report.snapshot());
            } catch (MaskingRefusedException notJson) {
                // Not one JSON document: scanned as text below.
            }
        }
        MaskingReport report = new MaskingReport();
        String masked = recording.maskText(ColumnRef.expression(location), text, report).value();
        return new RecordMaskingMemory.Masked(masked == null ? null : masked.getBytes(StandardCharsets.UTF_8),
                report.snapshot());
    }
}
