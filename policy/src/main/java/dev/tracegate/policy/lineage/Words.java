package dev.tracegate.policy.lineage;

import dev.tracegate.policy.sql.SqlLexer;
import dev.tracegate.policy.sql.SqlToken;
import java.util.ArrayList;
import java.util.List;

/** The identifiers of a text as PostgreSQL reads them (the project's own lexer: comments and strings are not identifiers). */
final class Words {

    private Words() {
    }

    static List<String> identifiers(String sql) {
        List<String> words = new ArrayList<>();
        for (SqlToken token : SqlLexer.lex(sql).tokens()) {
            if (token.isIdentifier()) {
                words.add(token.text());
            }
        }
        return words;
    }
}
