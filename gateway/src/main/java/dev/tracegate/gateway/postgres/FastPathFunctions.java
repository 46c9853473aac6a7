package dev.tracegate.gateway.postgres;

import java.util.Set;

/**
 * Built-in functions drivers call through the fast-path interface (FunctionCall): the large-object
 * API. Built-in OIDs are fixed in PostgreSQL's catalog. {@code lo_import} and {@code lo_export},
 * which read and write server files, are deliberately not here.
 */
final class FastPathFunctions {

    private static final Set<Integer> LARGE_OBJECT = Set.of(
            715,  // lo_create
            952,  // lo_open
            953,  // lo_close
            954,  // loread
            955,  // lowrite
            956,  // lo_lseek
            957,  // lo_creat
            958,  // lo_tell
            964,  // lo_unlink
            1004, // lo_truncate
            3170, // lo_lseek64
            3171, // lo_tell64
            3172  // lo_truncate64
    );

    private FastPathFunctions() {
    }

    static boolean isLargeObjectFunction(int oid) {
        return LARGE_OBJECT.contains(oid);
    }
}
