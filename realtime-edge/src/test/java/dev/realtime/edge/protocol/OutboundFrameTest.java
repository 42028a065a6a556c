package dev.realtime.edge.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge's pre-encoded messages are the bytes Netty's own server encoder writes, fragmented at 16 KiB like
 * Vert.x's, and a client decodes them back to the same text.
 */
class OutboundFrameTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 1000, 16_384})
    void aMessageThatFitsOneFrameIsWhatNettysServerEncoderWrites(int payloadBytes) {
        String text = text(payloadBytes);
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        server.writeOutbound(new TextWebSocketFrame(text));
        ByteBuf expected = Unpooled.buffer();
        for (ByteBuf part; (part = server.readOutbound()) != null;) {
            expected.writeBytes(part);
            part.release();
        }
        assertArrayEquals(ByteBufUtil.getBytes(expected), OutboundFrame.text(text).wire());
        assertEquals(List.of(text), decodedFrames(OutboundFrame.text(text)).stream().map(WebSocketFrame::content)
                .map(content -> content.toString(StandardCharsets.UTF_8)).toList());
    }

    @ParameterizedTest
    @ValueSource(ints = {16_385, 65_535, 65_536, 70_000})
    void aLargerMessageGoesInFragmentsOf16KiB(int payloadBytes) {
        String text = text(payloadBytes);
        List<WebSocketFrame> frames = decodedFrames(OutboundFrame.text(text));

        assertEquals((payloadBytes + 16_383) / 16_384, frames.size());
        assertInstanceOf(TextWebSocketFrame.class, frames.get(0));
        StringBuilder joined = new StringBuilder();
        ByteBuf bytes = Unpooled.buffer();
        for (int i = 0; i < frames.size(); i++) {
            WebSocketFrame frame = frames.get(i);
            if (i > 0) {
                assertInstanceOf(ContinuationWebSocketFrame.class, frame);
            }
            assertEquals(i == frames.size() - 1, frame.isFinalFragment());
            assertTrue(frame.content().readableBytes() <= 16_384);
            bytes.writeBytes(frame.content());
        }
        // A fragment may end inside a character: the message is UTF-8 as a whole.
        joined.append(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(text, joined.toString());
    }

    /** What a client's decoder makes of the bytes, frame by frame. */
    private static List<WebSocketFrame> decodedFrames(OutboundFrame frame) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(
                WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        client.writeInbound(Unpooled.wrappedBuffer(frame.wire()));
        List<WebSocketFrame> frames = new ArrayList<>();
        for (WebSocketFrame decoded; (decoded = client.readInbound()) != null;) {
            frames.add(decoded);
        }
        return frames;
    }

    /** Text of exactly that many UTF-8 bytes, with two- and four-byte characters where it fits. */
    private static String text(int bytes) {
        if (bytes < 6) {
            return "a".repeat(bytes);
        }
        int twoByte = (bytes - 4) / 4;
        String text = "😀" + "é".repeat(twoByte) + "a".repeat(bytes - 4 - 2 * twoByte);
        assertEquals(bytes, text.getBytes(StandardCharsets.UTF_8).length);
        return text;
    }
}
