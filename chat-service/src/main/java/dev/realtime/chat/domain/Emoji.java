package dev.realtime.chat.domain;

import java.util.regex.Pattern;

/**
 * The accepted forms of a reaction: a shortcode such as {@code :thumbsup:} or {@code :+1:}, or one emoji as
 * Unicode: a sequence of up to 10 code points made of pictographs and symbols, optionally joined by ZWJ and
 * refined by variation selectors, skin tones, keycaps or tags (flags and families are sequences). Letters,
 * digits alone, spaces and control characters are refused.
 */
public final class Emoji {
    public static final String RULE = "a shortcode like :thumbsup: or a single emoji";
    private static final Pattern SHORTCODE = Pattern.compile(":[a-z0-9_+-]{1,40}:");
    private static final int MAX_CODE_POINTS = 10;

    private Emoji() {
    }

    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        if (SHORTCODE.matcher(value).matches()) {
            return true;
        }
        int[] codePoints = value.codePoints().toArray();
        if (codePoints.length > MAX_CODE_POINTS) {
            return false;
        }
        boolean pictograph = false;
        for (int cp : codePoints) {
            if (isPictograph(cp)) {
                pictograph = true;
            } else if (!isModifier(cp) && !isKeycapBase(cp)) {
                return false;
            }
        }
        return pictograph;
    }

    private static boolean isPictograph(int cp) {
        int type = Character.getType(cp);
        return (type == Character.OTHER_SYMBOL && cp >= 0x2000)
                || (cp >= 0x1F1E6 && cp <= 0x1F1FF) // regional indicators (flags)
                || cp == 0x20E3; // combining keycap
    }

    private static boolean isModifier(int cp) {
        return cp == 0x200D // zero width joiner
                || (cp >= 0xFE00 && cp <= 0xFE0F) // variation selectors
                || (cp >= 0x1F3FB && cp <= 0x1F3FF) // skin tones
                || (cp >= 0xE0020 && cp <= 0xE007F); // tags (subdivision flags)
    }

    private static boolean isKeycapBase(int cp) {
        return (cp >= '0' && cp <= '9') || cp == '#' || cp == '*';
    }
}
