package dev.realtime.servicekit.problem;

import jakarta.ws.rs.BadRequestException;

/**
 * A query parameter whose value does not parse as its declared type; answered as 400 problem+json naming the
 * parameter. A {@link jakarta.ws.rs.WebApplicationException} because Quarkus REST passes only those through from
 * parameter conversion: any other failure there becomes a bare 404.
 */
public class InvalidParameterException extends BadRequestException {
    private final String parameter;

    public InvalidParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
