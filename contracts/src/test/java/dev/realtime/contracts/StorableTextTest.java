package dev.realtime.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.events.StorableText;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one rule for text: no U+0000, no unpaired surrogate; found in any string of a JSON document, with its path. */
class StorableTextTest {

    @Test
    void nulAndUnpairedSurrogatesAreNotStorableAPairIs() {
        assertTrue(StorableText.isStorable("plain, accents é, emoji \ud83c\udfb8"));
        assertFalse(StorableText.isStorable("a\u0000b"));
        assertFalse(StorableText.isStorable("lone high \ud800 then text"));
        assertFalse(StorableText.isStorable("lone high at the end \ud800"));
        assertFalse(StorableText.isStorable("lone low \udc00"));
        assertFalse(StorableText.isStorable("reversed \udc00\ud800"));
    }

    @Test
    void theScanNamesTheFirstBadStringOfAnyDepthValueOrFieldName() {
        assertEquals(Optional.empty(), scan("{\"text\":\"fine \\ud83c\\udfb8\",\"n\":[1,{\"a\":\"\\\\u0000 is text\"}]}"));
        assertEquals(Optional.of("text"), scan("{\"text\":\"a\\u0000b\"}"));
        assertEquals(Optional.of("target.title"), scan("{\"verb\":\"x\",\"target\":{\"id\":\"1\",\"title\":\"\\ud800\"}}"));
        assertEquals(Optional.of("participants[1]"), scan("{\"participants\":[\"bob\",\"\\udc00\"]}"));
        assertEquals(Optional.of("details.k\\u0000"), scan("{\"details\":{\"k\\u0000\":1}}"));
        assertEquals(Optional.of("body"), scan("\"\\u0000\""));
    }

    @Test
    void aDocumentThatIsNotJsonIsLeftToItsReader() {
        assertEquals(Optional.empty(), scan("hello"));
        assertEquals(Optional.empty(), scan("{\"text\": \"unterminated"));
        // A surrogate encoded directly in the bytes (CESU-8 of U+D800) is not UTF-8: the JSON reader refuses the
        // document itself (malformed), so only the escaped form can reach a string.
        byte[] cesu = {'{', '"', 't', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        assertEquals(Optional.empty(), StorableText.firstUnstorable(cesu));
    }

    private static Optional<String> scan(String json) {
        return StorableText.firstUnstorable(json.getBytes(UTF_8));
    }
}
