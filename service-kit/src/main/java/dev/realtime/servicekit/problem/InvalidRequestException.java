package dev.realtime.servicekit.problem;

/** Input that breaks a rule Bean Validation cannot express; answered as 400 problem+json naming the field. */
public class InvalidRequestException extends RuntimeException {
    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
