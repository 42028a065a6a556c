package dev.realtime.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code chat.*} settings (docs/settings.md; the limits in docs/chat-api.md, "Limits"). */
@ConfigMapping(prefix = "chat")
public interface ChatConfig {

    Limits limits();

    RateLimit rateLimit();

    interface Limits {
        /**
         * Participants of one conversation, the creator included (422 beyond, at creation and on adds): each is a
         * membership on every edge, an inbox append at creation, and one at every message of the conversation.
         */
        @WithDefault("100")
        int maxParticipants();
    }

    /** Per-user token buckets, per service instance: behind N instances a user gets at most N times the rate. */
    interface RateLimit {
        /** Posts per second per user (429 beyond). */
        @WithDefault("5")
        int postsPerSecond();

        /** Posts a user may send at once. */
        @WithDefault("20")
        int burst();

        /** New conversations per user: the refill per minute. */
        @WithDefault("10")
        int conversationsPerMinute();

        /** New conversations a user may create at once. */
        @WithDefault("20")
        int conversationsBurst();

        /** Participant adds per user: the refill per minute. */
        @WithDefault("30")
        int participantAddsPerMinute();

        /** Participant adds a user may make at once. */
        @WithDefault("100")
        int participantAddsBurst();
    }
}
