package dev.tracegate.policy.rules;

import dev.tracegate.policy.sql.ClassifiedStatement;
import dev.tracegate.policy.sql.StatementClass;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One rule: when every condition it states holds for a statement, its action applies. An
 * empty condition list matches anything.
 *
 * @param name        shown to clients and recorded in evidence
 * @param connections connection names
 * @param protocols   protocol names
 * @param groups      the caller is in at least one of these groups
 * @param exceptGroups the rule does not apply to members of these groups
 * @param kinds       identity kinds ({@code human}, {@code service}, {@code agent})
 * @param classes     statement classes
 * @param tables      table patterns: {@code orders}, {@code public.orders}, {@code public.*}, {@code *.customers}
 * @param command     a regular expression found anywhere in the statement text (case-insensitive)
 * @param action      what happens
 * @param reason      why, for the client and the evidence
 * @param approval    who approves, for {@code approve}
 */
public record Rule(String name, List<String> connections, List<String> protocols, List<String> groups,
                   List<String> exceptGroups, List<String> kinds,
                   List<StatementClass> classes, List<String> tables, Pattern command, Action action, String reason,
                   ApprovalSpec approval) {

    public Rule {
        if (name == null || name.isBlank()) {
            throw new PolicyException("every rule needs a name");
        }
        connections = copy(connections);
        protocols = copy(protocols);
        groups = copy(groups);
        exceptGroups = copy(exceptGroups);
        kinds = copy(kinds);
        classes = classes == null ? List.of() : List.copyOf(classes);
        tables = tables == null ? List.of() : tables.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        if (action == null) {
            throw new PolicyException("rule " + name + ": action is required (allow, approve or block)");
        }
        if (action == Action.APPROVE && approval == null) {
            throw new PolicyException("rule " + name + ": an approve rule needs approvers");
        }
    }

    /** True when the rule's conditions about the caller hold. */
    boolean appliesTo(Subject subject) {
        return (connections.isEmpty() || connections.contains(subject.connection()))
                && (protocols.isEmpty() || protocols.contains(subject.protocol()))
                && (groups.isEmpty() || groups.stream().anyMatch(subject.groups()::contains))
                && exceptGroups.stream().noneMatch(subject.groups()::contains)
                && (kinds.isEmpty() || kinds.contains(subject.kind()));
    }

    /** True when the rule's conditions about the statement hold. */
    boolean matches(ClassifiedStatement statement) {
        return (classes.isEmpty() || classes.contains(statement.statementClass()))
                && (tables.isEmpty() || statement.tables().stream().anyMatch(this::tableMatches))
                && (command == null || command.matcher(statement.text()).find());
    }

    private boolean tableMatches(String table) {
        String qualified = table.toLowerCase(Locale.ROOT).replace("\"", "");
        if (!qualified.contains(".")) {
            qualified = "public." + qualified;
        }
        String bare = qualified.substring(qualified.lastIndexOf('.') + 1);
        for (String pattern : tables) {
            if (pattern.contains(".") ? glob(pattern, qualified) : glob(pattern, bare)) {
                return true;
            }
        }
        return false;
    }

    private static boolean glob(String pattern, String value) {
        return value.matches(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    }

    private static List<String> copy(List<String> values) {
        return values == null ? List.of() : List.copyOf(values);
    }
}
