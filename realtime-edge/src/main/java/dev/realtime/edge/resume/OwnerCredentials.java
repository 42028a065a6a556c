package dev.realtime.edge.resume;

import io.quarkus.oidc.client.runtime.AbstractTokensProducer;
import jakarta.inject.Singleton;

/**
 * The edge's own access token for reading rooms' history from their owners (client credentials of
 * {@code quarkus.oidc-client}; its client carries the role {@code history-reader}). quarkus-oidc-client caches it and
 * gets a new one shortly before it expires, so a resume costs the issuer nothing but the first time: the sessions keep
 * no token of their users for this (docs/proposals/edge-without-user-tokens.md).
 */
@Singleton
public class OwnerCredentials extends AbstractTokensProducer {
}
