package dev.realtime.activity.model;

import dev.realtime.activity.config.ActivityConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the deep link of a target from the template configured for its type. A producer's own link is used only
 * for a type without a template, and only when it is http(s) or a path: a {@code javascript:} link in a feed
 * would run in every member's browser.
 */
@ApplicationScoped
public class DeepLinks {
    static final String FALLBACK = "/projects/{projectId}/{targetType}/{targetId}";

    private final Map<String, String> templates;

    @Inject
    public DeepLinks(ActivityConfig config) {
        this(config.links());
    }

    DeepLinks(Map<String, String> templates) {
        this.templates = Map.copyOf(templates);
    }

    public String link(String projectId, String targetType, String targetId, String producerLink) {
        String template = templates.get(targetType);
        if (template == null && isSafe(producerLink)) {
            return producerLink;
        }
        if (template == null) {
            template = templates.getOrDefault("default", FALLBACK);
        }
        return template.replace("{projectId}", encode(projectId))
                .replace("{targetType}", encode(targetType))
                .replace("{targetId}", encode(targetId));
    }

    /** http(s) URLs and absolute paths; anything else is not a link we hand to a browser. */
    public static boolean isSafe(String link) {
        if (link == null || link.isBlank() || link.length() > 2000) {
            return false;
        }
        if (link.startsWith("/") && !link.startsWith("//")) {
            return true;
        }
        try {
            URI uri = URI.create(link);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
