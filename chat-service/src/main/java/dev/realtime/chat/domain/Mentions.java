package dev.realtime.chat.domain;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code @user} mentions in a message: only participants count, each once, in order of appearance. */
public final class Mentions {
    // A mention ends at whitespace or at trailing punctuation that is not part of a user id.
    private static final Pattern MENTION = Pattern.compile("(?<![\\w@])@([\\x21-\\x39\\x3B-\\x7E]{1,128})");
    private static final String TRAILING = ".,;!?)]}'\"";

    private Mentions() {
    }

    public static List<String> of(String text, Collection<String> participants) {
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = MENTION.matcher(text);
        while (matcher.find()) {
            String candidate = matcher.group(1);
            while (!candidate.isEmpty() && TRAILING.indexOf(candidate.charAt(candidate.length() - 1)) >= 0
                    && !participants.contains(candidate)) {
                candidate = candidate.substring(0, candidate.length() - 1);
            }
            if (participants.contains(candidate)) {
                found.add(candidate);
            }
        }
        return List.copyOf(found);
    }
}
