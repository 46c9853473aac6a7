package dev.tracegate.policy.rules;

import dev.tracegate.policy.sql.StatementClass;
import java.util.List;

/**
 * The policy's answer for one command.
 *
 * @param action         allow, approve or block
 * @param rule           the rule that decided, or {@code default:<...>} when no rule matched
 * @param reason         why, in words a client can be shown
 * @param approval       who must approve, when the action is approve
 * @param statementClass the riskiest class among the command's statements
 * @param tables         tables the command names
 */
public record Decision(Action action, String rule, String reason, ApprovalSpec approval, StatementClass statementClass,
                       List<String> tables) {

    public Decision {
        tables = tables == null ? List.of() : List.copyOf(tables);
    }
}
