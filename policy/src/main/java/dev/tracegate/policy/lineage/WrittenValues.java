package dev.tracegate.policy.lineage;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Values a DBA writes into the catalog that are no code, so no reading of code can tell whether
 * they quote a protected value: comments ({@code COMMENT ON ... IS '...'}), settings stored for a
 * database or role ({@code ALTER DATABASE ... SET app.vip = '...'}), an aggregate's initial state
 * ({@code INITCOND}).
 *
 * @param comments            each comment as a literal ({@code 'VIP: Ada Lovelace'}) by the name of
 *                            what it is on: a relation's, its columns', constraints', indexes',
 *                            triggers', policies' and rules' by the relation; a function's as a call
 *                            of it ({@code f('...')}), so the names its body uses count; any other
 *                            object's (a database, schema, role, type, ...) by {@link #UNOWNED}
 * @param storedSettings      the names of the settings stored for a database or a role, which every
 *                            session of them holds ({@code current_setting}, {@code SHOW})
 * @param aggregateValues     whether an aggregate's {@code INITCOND} may hold a value (a word or a
 *                            number of four digits or more, not {@code 0} or {@code {}})
 */
public record WrittenValues(Map<String, List<String>> comments, Set<String> storedSettings, boolean aggregateValues) {

    /** The owner of a comment on an object no relation or function owns: it counts whatever it says. */
    public static final String UNOWNED = "";

    public static final WrittenValues NONE = new WrittenValues(Map.of(), Set.of(), false);

    public WrittenValues {
        comments = Map.copyOf(comments);
        storedSettings = Set.copyOf(storedSettings);
    }
}
