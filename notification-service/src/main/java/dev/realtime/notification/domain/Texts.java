package dev.realtime.notification.domain;

/** Short human texts of derived notifications. */
final class Texts {
    static final int MAX_BODY = 280;

    private Texts() {
    }

    static String excerpt(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= MAX_BODY ? text : text.substring(0, MAX_BODY - 1) + "\u2026";
    }

    static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
