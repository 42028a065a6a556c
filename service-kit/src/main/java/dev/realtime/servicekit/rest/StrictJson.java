package dev.realtime.servicekit.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The request bodies of the domain services are read strictly: a value of the wrong JSON type is 400
 * {@code /problems/malformed-json} naming the field, not silently converted. Jackson's defaults coerce scalars, so
 * {@code {"text":5}} or {@code {"text":true}} became the text "5" or "true", {@code {"text":1e999999}} the text
 * "Infinity", {@code {"emailEnabled":1}} a boolean, {@code {"seq":"5"}} or {@code {"seq":1.5}} a number, and an enum
 * took its ordinal; and {@code {"text":"hi"} xyz} was read as if the trailing garbage were not there. A client that
 * sends those has a bug, and storing a guess hides it. Absent fields and unknown fields keep their meaning (Quarkus
 * ignores unknown properties, so clients may send fields a newer API version knows).
 *
 * <p>Applied to the ObjectMapper of every service that indexes this module (chat, activity, notification); the Kafka
 * payloads keep their tolerant reader ({@code dev.realtime.contracts.events.Json}). Quarkus also copies this mapper
 * into Vert.x's JSON codec (OIDC discovery documents, keys): it reads free-form JSON there, which coercion rules do
 * not touch, and it refused trailing content already.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        // A string field takes a JSON string only.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        // A boolean field takes true or false only: not 0/1, not "true".
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        // An integer field takes a JSON integer only: not 1.5 (truncated before), not "5".
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        // A decimal field takes a JSON number (an integer is a number).
        mapper.coercionConfigFor(LogicalType.Float)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
}
