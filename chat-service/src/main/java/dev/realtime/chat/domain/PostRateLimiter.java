package dev.realtime.chat.domain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-user posting rate limit: a token bucket per user (Bucket4j) refilled at {@code chat.rate-limit.posts-per-second}
 * up to {@code chat.rate-limit.burst}. Buckets of users who stopped posting expire, so memory follows the active
 * users. The limit is per service instance: behind N instances a user gets at most N times the rate.
 */
@ApplicationScoped
public class PostRateLimiter {
    private final Cache<String, Bucket> buckets;
    private final Bandwidth bandwidth;

    @Inject
    public PostRateLimiter(@ConfigProperty(name = "chat.rate-limit.posts-per-second", defaultValue = "5") int perSecond,
            @ConfigProperty(name = "chat.rate-limit.burst", defaultValue = "20") int burst) {
        this.bandwidth = Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build();
        this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(1_000_000).build();
    }

    /** Takes one post from the user's bucket, or fails with 429 and the seconds to wait. */
    public void acquire(String userId) {
        ConsumptionProbe probe = buckets.get(userId, id -> Bucket.builder().addLimit(bandwidth).build())
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            throw ChatProblem.rateLimited(seconds);
        }
    }
}
