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
    // varchar, not text: MariaDB sends a text column as a blob, and the gateway's masker replaces a masked
    // value of a type it does not know as text by NULL (docs/mysql.md, "Not yet"): the analyst would see no
    // pseudonyms at all.
    // Its datetime has no zone and refuses an offset suffix in strict mode: the values are written in UTC.
    MARIADB("varchar(255)", "datetime", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT),
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
