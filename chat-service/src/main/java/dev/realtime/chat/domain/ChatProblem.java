package dev.realtime.chat.domain;

/**
 * A refused chat command, answered as problem+json: {@code status} 403 (the caller participates but may not
 * do this), 404 (no such conversation or message, or the caller may not see it: both look the same), 409
 * (the conversation's state forbids it), 429 (rate limit; {@code retryAfterSeconds} set) or 503 (the conversation is
 * too busy to take the post now; {@code retryAfterSeconds} set).
 */
public class ChatProblem extends RuntimeException {
    private final int status;
    private final String type;
    private final long retryAfterSeconds;

    private ChatProblem(int status, String type, String detail, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ChatProblem conversationNotFound() {
        return new ChatProblem(404, "not-found", "No such conversation.", 0);
    }

    public static ChatProblem messageNotFound() {
        return new ChatProblem(404, "not-found", "No such message in this conversation.", 0);
    }

    public static ChatProblem participantNotFound() {
        return new ChatProblem(404, "not-found", "No such participant in this conversation.", 0);
    }

    public static ChatProblem forbidden(String detail) {
        return new ChatProblem(403, "forbidden", detail, 0);
    }

    public static ChatProblem conflict(String type, String detail) {
        return new ChatProblem(409, type, detail, 0);
    }

    public static ChatProblem rateLimited(long retryAfterSeconds) {
        return new ChatProblem(429, "rate-limited", "Too many messages; try again in " + retryAfterSeconds + " s.",
                retryAfterSeconds);
    }

    public static ChatProblem conversationBusy(long retryAfterSeconds) {
        return new ChatProblem(503, "conversation-busy", "Too many posts are waiting in this conversation; try again in "
                + retryAfterSeconds + " s.", retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
