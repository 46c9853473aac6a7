package dev.tracegate.gateway.guard;

import dev.tracegate.gateway.recording.CommandRedaction;
import dev.tracegate.masking.Masker;
import dev.tracegate.policy.rules.Decision;
import dev.tracegate.policy.rules.CallerMasking;
import dev.tracegate.policy.rules.Subject;
import dev.tracegate.policy.sql.SqlClassification;
import java.util.Locale;
import java.util.Optional;

/**
 * The Guard's whole answer for one command, from one policy version: what to do with it
 * ({@link Decision}), how the caller's results are masked, and how the evidence and approvers
 * keep its text. A reload between a command's decision and its masking cannot mix two policies.
 */
public final class Ruling {

    private final Decision decision;
    private final SqlClassification classification;
    private final CallerMasking masking;
    private final Masker recordingMasker;
    private final boolean passUnmaskable;
    private final boolean maskTerminal;
    private final CommandRedaction recording;
    private final CommandRedaction forApprovers;
    private final boolean serverTextWithheld;
    private final String policyHash;
    /** Who asked and what, kept so an approved command can be judged again after a reload ({@link Guard#again}). */
    private final Subject subject;
    private final Command command;

    Ruling(Decision decision, SqlClassification classification, CallerMasking masking, Masker recordingMasker,
           boolean passUnmaskable, boolean maskTerminal, CommandRedaction recording, CommandRedaction forApprovers,
           boolean serverTextWithheld, String policyHash, Subject subject, Command command) {
        this.decision = decision;
        this.classification = classification;
        this.masking = masking;
        this.recordingMasker = recordingMasker;
        this.passUnmaskable = passUnmaskable;
        this.maskTerminal = maskTerminal;
        this.recording = recording;
        this.forApprovers = forApprovers;
        this.serverTextWithheld = serverTextWithheld;
        this.policyHash = policyHash;
        this.subject = subject;
        this.command = command;
    }

    /**
     * The SHA-256 of the policy document it was made from: an approval given after a reload must
     * not run a command the policy in force was never asked about ({@code CommandGate.decided}).
     */
    public String policyHash() {
        return policyHash;
    }

    Subject subject() {
        return subject;
    }

    Command command() {
        return command;
    }

    public Decision decision() {
        return decision;
    }

    /** How SQL was classified; {@code null} for commands that are not SQL text. */
    public SqlClassification classification() {
        return classification;
    }

    /** The masking profile the caller's results go through, if any rule names one for them. */
    public Optional<CallerMasking> masking() {
        return Optional.ofNullable(masking);
    }

    /**
     * Whether the texts of the server's errors and notices for this command are withheld from the
     * caller: the command may compute on protected values the caller's profile grants {@code any}
     * on, and PostgreSQL quotes the value a cast or a function failed on, in any SQLSTATE class.
     */
    public boolean serverTextWithheld() {
        return serverTextWithheld;
    }

    /** The profile that masks what the evidence keeps of results of callers who see clear text. */
    public Masker recordingMasker() {
        return recordingMasker;
    }

    /** Whether bodies the masker cannot read pass for masked callers ({@code masking.otherContent: pass}). */
    public boolean passUnmaskable() {
        return passUnmaskable;
    }

    /** Whether SSH terminal output is masked ({@code masking.terminal: mask}, the default) or passed as printed. */
    public boolean maskTerminal() {
        return maskTerminal;
    }

    /** How the evidence keeps the command's text: through the policy's record profile. */
    public CommandRedaction recording() {
        return recording;
    }

    /** What approvers are shown of the command: as recorded, unless the approval lets them see it in clear. */
    public CommandRedaction forApprovers() {
        return forApprovers;
    }

    /** The decision's class as the evidence writes it ({@code ddl}), or {@code null}. */
    public String statementClass() {
        return decision.statementClass() == null ? null : decision.statementClass().name().toLowerCase(Locale.ROOT);
    }
}
