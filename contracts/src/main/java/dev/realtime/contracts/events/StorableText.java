package dev.realtime.contracts.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The one rule for text the system accepts from outside, over REST and over Kafka: no U+0000 and no unpaired UTF-16
 * surrogate. JSON can carry both ({@code "\u0000"}, {@code "\ud800"}), Java strings hold them, but PostgreSQL stores
 * neither (text refuses NUL, UTF-8 has no encoding for a lone surrogate; jsonb refuses both), so such input failed
 * deep in a write as a 500, or stalled a consumer. Refusing it where JSON is read names the field instead.
 */
public final class StorableText {
    /** Why a string is refused; REST answers it as the message of the field, consumers log it. */
    public static final String REASON = "contains U+0000 or an unpaired surrogate, which cannot be stored";

    /** Without decorators or codecs: the scan must not run through the mapper it guards. */
    private static final JsonFactory PLAIN = new JsonFactory();

    private StorableText() {
    }

    /** True when {@code text} has no U+0000 and every surrogate is part of a pair. */
    public static boolean isStorable(CharSequence text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first string of a JSON document (a value or a field name) that is not storable, as a field path such as
     * {@code text}, {@code target.title} or {@code participants[1]}; empty when every string is storable. A document
     * that is not JSON is not judged here: the scan stops at the first syntax error and answers empty, so that the
     * reader of the document reports the syntax error as it always did.
     */
    public static Optional<String> firstUnstorable(byte[] json, int offset, int length) {
        try (JsonParser parser = PLAIN.createParser(json, offset, length)) {
            return scan(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Optional<String> firstUnstorable(byte[] json) {
        return firstUnstorable(json, 0, json.length);
    }

    public static Optional<String> firstUnstorable(char[] json, int offset, int length) {
        try (JsonParser parser = PLAIN.createParser(json, offset, length)) {
            return scan(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> scan(JsonParser parser) throws IOException {
        try {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if ((token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) && !isStorable(parser.getText())) {
                    return Optional.of(path(parser.getParsingContext()));
                }
            }
            return Optional.empty();
        } catch (JsonProcessingException syntaxError) {
            return Optional.empty();
        }
    }

    /**
     * {@code a.b[0].c}, the notation of the REST errors elsewhere; {@code body} for a bare string document. A field
     * name that is itself unstorable is shown with its bad characters as {@code \\uXXXX}.
     */
    private static String path(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.addFirst("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                parts.addFirst("." + printable(c.getCurrentName()));
            }
        }
        String path = String.join("", parts);
        if (path.isEmpty()) {
            return "body";
        }
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static String printable(String name) {
        if (isStorable(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean pairHigh = Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(i + 1));
            boolean pairLow = Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1));
            if (c == '\u0000' || (Character.isSurrogate(c) && !pairHigh && !pairLow)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
