package dev.tracegate.cli.demo;

import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Where the {@code shop} tables are spelled differently in PostgreSQL and in MariaDB: the types
 * of text and of a point in time, how it is written as text, and how statistics are gathered. The rows
 * themselves come from {@link ShopSampleData} for both.
 */
enum ShopDialect {

    POSTGRES("text", "timestamptz", DateTimeFormatter.ISO_OFFSET_DATE_TIME, "ANALYZE customers, orders"),
    // Its datetime has no zone and refuses an offset suffix in strict mode: the values are written in UTC.
    MARIADB("text", "datetime", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT),
            "ANALYZE TABLE customers, orders");

    private final String textType;
    private final String timestampType;
    private final DateTimeFormatter timestamps;
    private final String analyze;

    ShopDialect(String textType, String timestampType, DateTimeFormatter timestamps, String analyze) {
        this.textType = textType;
        this.timestampType = timestampType;
        this.timestamps = timestamps;
        this.analyze = analyze;
    }

    String textType() {
        return textType;
    }

    String timestampType() {
        return timestampType;
    }

    DateTimeFormatter timestamps() {
        return timestamps;
    }

    String analyze() {
        return analyze;
    }
}
