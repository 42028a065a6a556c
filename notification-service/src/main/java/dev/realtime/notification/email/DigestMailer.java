package dev.realtime.notification.email;

import dev.realtime.notification.config.NotificationConfig;
import dev.realtime.contracts.signals.SignalTypes;
import dev.realtime.notification.model.Preferences;
import dev.realtime.notification.store.DigestStore;
import dev.realtime.notification.store.InboxQueries;
import dev.realtime.notification.store.NotificationRow;
import dev.realtime.notification.store.PreferenceStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sends one digest e-mail to each user who has been offline for {@code notification.email.offline-after} and has
 * unread notifications no digest contained yet. The claim on the user's digest mark comes before the mail, so
 * two runs (or two instances) never e-mail the same notifications; a failed send gives the claim back.
 * Quiet hours hold a digest back until they end.
 */
@ApplicationScoped
public class DigestMailer {
    private static final Logger LOG = Logger.getLogger(DigestMailer.class);
    static final int MAX_ITEMS = 50;

    @Inject
    DigestStore digests;

    @Inject
    InboxQueries inbox;

    @Inject
    PreferenceStore preferences;

    @Inject
    ReactiveMailer mailer;

    @Inject
    MeterRegistry registry;

    @Inject
    NotificationConfig config;

    private ScheduledExecutorService scheduler;
    private Counter sent;

    void start(@Observes StartupEvent event) {
        if (!config.email().enabled()) {
            return;
        }
        sent = registry.counter("notification.digest.sent");
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "notification-digest");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.email().checkInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::runSafely, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void runSafely() {
        try {
            VertxContextSupport.subscribeAndAwait(this::run);
        } catch (Throwable t) {
            LOG.warnf("digest run failed: %s", t.toString());
        }
    }

    /** One pass over the users due a digest; returns how many e-mails were sent. */
    public Uni<Integer> run() {
        NotificationConfig.Email email = config.email();
        return digests.candidates(email.offlineAfter(), SignalTypes.PRESENCE_TTL, email.minInterval(), 100)
                .chain(candidates -> io.smallrye.mutiny.Multi.createFrom().iterable(candidates)
                        .onItem().transformToUniAndConcatenate(this::digest)
                        .collect().asList()
                        .map(results -> (int) results.stream().filter(Boolean::booleanValue).count()));
    }

    private Uni<Boolean> digest(DigestStore.Candidate candidate) {
        String address = candidate.email() != null ? candidate.email()
                : config.email().addressTemplate().map(template -> template.replace("{sub}", candidate.userId())).orElse(null);
        if (address == null) {
            return Uni.createFrom().item(false);
        }
        return preferences.get(candidate.userId()).chain(prefs -> {
            if (quiet(prefs)) {
                return Uni.createFrom().item(false);
            }
            return inbox.unreadAfter(candidate.userId(), candidate.upToSeq(), 1000).chain(items -> {
                if (items.isEmpty()) {
                    return Uni.createFrom().item(false);
                }
                long upTo = items.get(items.size() - 1).seq();
                return digests.claim(candidate.userId(), candidate.upToSeq(), upTo, items.size()).chain(claimed -> {
                    if (!claimed) {
                        return Uni.createFrom().item(false);
                    }
                    return mailer.send(mail(address, items))
                            .invoke(() -> {
                                sent.increment();
                                LOG.debugf("digest of %d notifications sent for user %s", items.size(), candidate.userId());
                            })
                            .replaceWith(true)
                            .onFailure().call(failure -> {
                                LOG.warnf("digest for user %s not sent: %s", candidate.userId(), failure.getClass().getSimpleName());
                                return digests.release(candidate.userId(), candidate.upToSeq(), upTo);
                            })
                            .onFailure().recoverWithItem(false);
                });
            });
        });
    }

    private static boolean quiet(Preferences prefs) {
        return prefs.quietHours() != null && prefs.quietHours().covers(Instant.now());
    }

    private Mail mail(String address, List<NotificationRow> items) {
        String subject = items.size() == 1 ? "1 unread notification: " + items.get(0).title()
                : items.size() + " unread notifications";
        StringBuilder text = new StringBuilder("While you were away:\n\n");
        items.stream().limit(MAX_ITEMS).forEach(item -> {
            text.append("- ").append(item.title());
            if (item.target() != null && item.target().link() != null) {
                String link = item.target().link();
                text.append("\n  ").append(link.startsWith("/") ? config.email().linkBase() + link : link);
            }
            text.append('\n');
        });
        if (items.size() > MAX_ITEMS) {
            text.append("\n… and ").append(items.size() - MAX_ITEMS).append(" more.\n");
        }
        text.append("\nOpen ").append(config.email().linkBase()).append("/notifications to read them all.\n");
        return Mail.withText(address, subject, text.toString());
    }
}
