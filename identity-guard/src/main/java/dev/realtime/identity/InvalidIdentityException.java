package dev.realtime.identity;

import io.quarkus.security.AuthenticationException;

/**
 * A verified token whose {@code sub} cannot be a user id. As an {@link AuthenticationException} it ends the request
 * before any resource code, with 401, as a bad signature does: Quarkus REST hands it to
 * {@link InvalidIdentityMapper} for its problem body, and the HTTP layer answers 401 on other routes (the WebSocket
 * upgrade). Quarkus's own {@code AuthenticationFailedException} is final, hence a type of our own.
 */
public class InvalidIdentityException extends SecurityException implements AuthenticationException {
    public InvalidIdentityException(String detail) {
        super(detail);
    }

    /** What the client is told: which rule the token's {@code sub} breaks; never the token. */
    public String detail() {
        return getMessage();
    }

    /** Client input, not a server fault: nothing in a trace would help anyone, and it is not worth the cost. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
