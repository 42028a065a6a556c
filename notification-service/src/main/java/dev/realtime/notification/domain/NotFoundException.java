package dev.realtime.notification.domain;

/** No such item, or it belongs to another user: both answer 404, so nothing leaks. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message, null, false, false);
    }
}
