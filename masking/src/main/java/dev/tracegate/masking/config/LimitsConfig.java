package dev.tracegate.masking.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tracegate.masking.FallbackAction;
import dev.tracegate.masking.Limits;

/** {@link Limits} as configured; every field may be left out for its default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LimitsConfig(Integer maxCellChars, Integer maxJsonDepth, FallbackAction overLimit,
        FallbackAction invalidUtf8, FallbackAction unmaskable) {

    public LimitsConfig(Integer maxCellChars, Integer maxJsonDepth, FallbackAction overLimit, FallbackAction invalidUtf8) {
        this(maxCellChars, maxJsonDepth, overLimit, invalidUtf8, null);
    }

    public Limits toLimits() {
        Limits d = Limits.DEFAULT;
        return new Limits(
                maxCellChars != null ? maxCellChars : d.maxCellChars(),
                maxJsonDepth != null ? maxJsonDepth : d.maxJsonDepth(),
                overLimit != null ? overLimit : d.overLimit(),
                invalidUtf8 != null ? invalidUtf8 : d.invalidUtf8(),
                unmaskable != null ? unmaskable : d.unmaskable());
    }
}
