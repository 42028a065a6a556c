package dev.realtime.chat.domain;

/**
 * The conversation does not exist or the caller may not see it; both answer the same 404 so that the API
 * never tells a non-participant that a conversation exists.
 */
public class NotFoundProblem extends RuntimeException {
    public NotFoundProblem() {
        super("conversation not found", null, false, false);
    }
}
