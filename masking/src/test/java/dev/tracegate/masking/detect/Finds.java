package dev.tracegate.masking.detect;

import dev.tracegate.masking.Detector;
import dev.tracegate.masking.Match;
import java.util.ArrayList;
import java.util.List;

/** The substrings a detector reports in a text. */
final class Finds {

    private Finds() {
    }

    static List<String> of(Detector detector, String text) {
        List<Match> matches = new ArrayList<>();
        detector.find(text, matches);
        return matches.stream().map(m -> text.substring(m.start(), m.end())).toList();
    }
}
