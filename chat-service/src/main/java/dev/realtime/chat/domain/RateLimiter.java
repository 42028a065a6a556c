package dev.realtime.chat.domain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.realtime.chat.config.ChatConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Per-user rate limits of the commands whose cost a caller could otherwise multiply: a token bucket per user and
 * {@link Action} (Bucket4j), each with its own rate and burst (docs/chat-api.md, "Limits"):
 * <ul>
 * <li>{@link Action#POST}: {@code chat.rate-limit.posts-per-second} up to {@code chat.rate-limit.burst};</li>
 * <li>{@link Action#CREATE_CONVERSATION}: {@code chat.rate-limit.conversations-per-minute} up to
 * {@code chat.rate-limit.conversations-burst} (every participant of a new conversation is a membership on every edge
 * and an inbox append);</li>
 * <li>{@link Action#ADD_PARTICIPANT}: {@code chat.rate-limit.participant-adds-per-minute} up to
 * {@code chat.rate-limit.participant-adds-burst} (each add is a membership and a notification; removing and adding
 * again is not free either).</li>
 * </ul>
 * Past the budget a command fails with 429 and the seconds to wait ({@link ChatProblem#rateLimited}). Buckets of
 * users who stopped expire once they would be full again anyway, so memory follows the active users. The limits
 * are per service instance: behind N instances a user gets at most N times the rate.
 */
@ApplicationScoped
public class RateLimiter {
    /** What a bucket counts; {@code what} names it in the refusal's detail. */
    public enum Action {
        POST("messages"),
        CREATE_CONVERSATION("new conversations"),
        ADD_PARTICIPANT("participants added");

        private final String what;

        Action(String what) {
            this.what = what;
        }
    }

    private record Budget(Bandwidth bandwidth, Cache<String, Bucket> buckets) {
    }

    private final Map<Action, Budget> budgets = new EnumMap<>(Action.class);

    @Inject
    public RateLimiter(ChatConfig config) {
        ChatConfig.RateLimit limits = config.rateLimit();
        budgets.put(Action.POST, budget(limits.postsPerSecond(), limits.burst(), Duration.ofSeconds(1)));
        budgets.put(Action.CREATE_CONVERSATION,
                budget(limits.conversationsPerMinute(), limits.conversationsBurst(), Duration.ofMinutes(1)));
        budgets.put(Action.ADD_PARTICIPANT,
                budget(limits.participantAddsPerMinute(), limits.participantAddsBurst(), Duration.ofMinutes(1)));
    }

    private static Budget budget(int perPeriod, int burst, Duration period) {
        if (perPeriod < 1 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a rate and a burst of at least 1");
        }
        Bandwidth bandwidth = Bandwidth.builder().capacity(burst).refillGreedy(perPeriod, period).build();
        // A bucket that expires comes back full: keep it at least as long as it takes to refill, so that waiting
        // for the expiry is never faster than waiting for the refill.
        Duration refill = period.multipliedBy(burst).dividedBy(perPeriod);
        Duration keep = refill.compareTo(Duration.ofMinutes(10)) > 0 ? refill : Duration.ofMinutes(10);
        return new Budget(bandwidth, Caffeine.newBuilder().expireAfterAccess(keep).maximumSize(1_000_000).build());
    }

    /** Takes one post from the user's bucket, or fails with 429 and the seconds to wait. */
    public void acquire(String userId) {
        acquire(Action.POST, userId);
    }

    /** Takes one {@code action} from the user's bucket for it, or fails with 429 and the seconds to wait. */
    public void acquire(Action action, String userId) {
        Budget budget = budgets.get(action);
        ConsumptionProbe probe = budget.buckets().get(userId, id -> Bucket.builder().addLimit(budget.bandwidth()).build())
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            throw ChatProblem.rateLimited(action.what, seconds);
        }
    }
}
