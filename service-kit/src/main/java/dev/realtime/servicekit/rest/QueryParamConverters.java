package dev.realtime.servicekit.rest;

import dev.realtime.servicekit.problem.InvalidParameterException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Locale;
import java.util.function.Function;

/**
 * Integer, long and boolean query parameters that do not parse ({@code limit=abc}, {@code after=9223372036854775808},
 * {@code archived=maybe}) are 400 {@code /problems/invalid-request} naming the parameter. JAX-RS answers a failed
 * query parameter conversion with 404 (as if the resource did not exist), and Quarkus's own conversion does not say
 * which parameter failed; these converters know the name from the parameter's {@link QueryParam}. Ranges stay with
 * Bean Validation ({@code @Min}, {@code @Max}) on the parameter. Booleans are {@code true} or {@code false} (any case)
 * only: JAX-RS's {@code Boolean.valueOf} read every other value as false. Path and header parameters keep the
 * framework's conversion.
 */
@Provider
public class QueryParamConverters implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        String name = queryParamName(annotations);
        if (name == null) {
            return null;
        }
        if (rawType == int.class || rawType == Integer.class) {
            return (ParamConverter<T>) new Strict<>(name, value -> (int) integer(name, value, Integer.MIN_VALUE,
                    Integer.MAX_VALUE));
        }
        if (rawType == long.class || rawType == Long.class) {
            return (ParamConverter<T>) new Strict<>(name, value -> integer(name, value, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        if (rawType == boolean.class || rawType == Boolean.class) {
            return (ParamConverter<T>) new Strict<>(name, value -> bool(name, value));
        }
        return null;
    }

    private static String queryParamName(Annotation[] annotations) {
        if (annotations == null) {
            return null;
        }
        for (Annotation annotation : annotations) {
            if (annotation instanceof QueryParam query) {
                return query.value();
            }
        }
        return null;
    }

    private static long integer(String name, String value, long min, long max) {
        if (!value.matches("[+-]?[0-9]{1,40}")) {
            throw new InvalidParameterException(name, "must be an integer");
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException outOfLong) {
            // digits, but more than a long holds: the same answer as out of the type's range
        }
        throw new InvalidParameterException(name, "must be an integer from " + min + " to " + max);
    }

    private static Boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new InvalidParameterException(name, "must be true or false");
        };
    }

    private record Strict<T>(String name, Function<String, T> parse) implements ParamConverter<T> {
        @Override
        public T fromString(String value) {
            return value == null ? null : parse.apply(value);
        }

        @Override
        public String toString(T value) {
            return value == null ? null : value.toString();
        }
    }
}
