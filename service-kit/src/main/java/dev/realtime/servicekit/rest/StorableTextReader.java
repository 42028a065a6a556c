package dev.realtime.servicekit.rest;

import dev.realtime.contracts.events.StorableText;
import dev.realtime.servicekit.problem.InvalidRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Refuses, before it is bound, a JSON request body with a string that PostgreSQL cannot store (U+0000 or an unpaired
 * surrogate, see {@link StorableText}): 400 {@code /problems/invalid-request} naming the field, instead of a 500 from
 * the write. It looks at every string of the body, field names included, whatever the resource binds it to (records,
 * lists, free-form {@code details}), so no resource has to remember a check. A reader interceptor rather than a hook
 * in the shared ObjectMapper: the mapper is also copied into Vert.x's JSON codec (OIDC metadata and keys), which this
 * rule is not about.
 */
@Provider
public class StorableTextReader implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!isJson(context.getMediaType())) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readAllBytes();
        StorableText.firstUnstorable(body).ifPresent(field -> {
            throw new InvalidRequestException(field, StorableText.REASON);
        });
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    private static boolean isJson(MediaType type) {
        return type != null && ("json".equalsIgnoreCase(type.getSubtype()) || type.getSubtype().toLowerCase().endsWith("+json"));
    }
}
