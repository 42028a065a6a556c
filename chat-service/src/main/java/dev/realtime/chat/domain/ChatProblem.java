package dev.realtime.chat.domain;

/**
 * A refused chat command, answered as problem+json: {@code status} 403 (the caller participates but may not
 * do this), 404 (no such conversation or message, or the caller may not see it: both look the same), 409
 * (the conversation's state forbids it), 422 (the conversation would have more participants than the limit;
 * {@code field} names the request field, {@code limit} the limit), 429 (rate limit; {@code retryAfterSeconds} set)
 * or 503 (the conversation is too busy to take the post now; {@code retryAfterSeconds} set).
 */
public class ChatProblem extends RuntimeException {
    private final int status;
    private final String type;
    private final long retryAfterSeconds;
    private final String field;
    private final int limit;

    private ChatProblem(int status, String type, String detail, long retryAfterSeconds) {
        this(status, type, detail, retryAfterSeconds, null, 0);
    }

    private ChatProblem(int status, String type, String detail, long retryAfterSeconds, String field, int limit) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
        this.field = field;
        this.limit = limit;
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

    /** {@code what}: what the caller sent too many of, e.g. "messages". */
    public static ChatProblem rateLimited(String what, long retryAfterSeconds) {
        return new ChatProblem(429, "rate-limited", "Too many " + what + "; try again in " + retryAfterSeconds + " s.",
                retryAfterSeconds);
    }

    /** The conversation would have more than {@code max} participants; {@code field}: the request field at fault. */
    public static ChatProblem tooManyParticipants(String field, int max) {
        return new ChatProblem(422, "too-many-participants",
                "A conversation has at most " + max + " participants, its creator included.", 0, field, max);
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

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** The limit the request would exceed (422), else 0. */
    public int limit() {
        return limit;
    }
}
