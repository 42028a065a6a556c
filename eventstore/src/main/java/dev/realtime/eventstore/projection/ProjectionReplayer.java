package dev.realtime.eventstore.projection;

import dev.realtime.eventstore.store.Projection;
import dev.realtime.eventstore.store.StoredEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Rebuilds a projection from the log: empties it and applies every event again in position order, in one
 * transaction that holds appends back (SHARE lock on the log), so the result equals what the live
 * projection would hold at that point.
 */
@ApplicationScoped
public class ProjectionReplayer {
    private static final Logger LOG = Logger.getLogger(ProjectionReplayer.class);
    private static final int PAGE = 500;

    private final Instance<Projection> projections;

    @Inject
    public ProjectionReplayer(@Any Instance<Projection> projections) {
        this.projections = projections;
    }

    public Uni<Long> rebuild(String projectionName) {
        Projection projection = projections.stream()
                .filter(candidate -> candidate.name().equals(projectionName))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no projection named " + projectionName));
        AtomicLong applied = new AtomicLong();
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("lock table es_events in share mode")
                .executeUpdate()
                .chain(() -> projection.reset(session))
                .chain(() -> replayFrom(session, projection, 0L, applied))))
                .invoke(() -> LOG.infof("Rebuilt projection %s from %d events", projectionName, applied.get()))
                .map(ignored -> applied.get());
    }

    private Uni<Void> replayFrom(Mutiny.Session session, Projection projection, long afterPosition, AtomicLong applied) {
        return session.createSelectionQuery("from StoredEvent e where e.position > :after order by e.position", StoredEvent.class)
                .setParameter("after", afterPosition)
                .setMaxResults(PAGE)
                .getResultList()
                .chain(page -> applyAll(session, projection, page)
                        .invoke(() -> applied.addAndGet(page.size()))
                        .chain(() -> session.flush())
                        .invoke(() -> page.forEach(session::detach))
                        .chain(() -> page.size() < PAGE ? Uni.createFrom().voidItem()
                                : replayFrom(session, projection, page.get(page.size() - 1).position, applied)));
    }

    private static Uni<Void> applyAll(Mutiny.Session session, Projection projection, List<StoredEvent> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (StoredEvent event : events) {
            chain = chain.chain(() -> projection.apply(event, session));
        }
        return chain;
    }
}
