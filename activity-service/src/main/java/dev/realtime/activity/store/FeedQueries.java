package dev.realtime.activity.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Reads of the feed. Every page is one index range scan backwards from the cursor: {@code (project_id, seq)} for the
 * plain feed, the filter's own index otherwise (see V200). HQL with bound parameters only, at most 16 query shapes,
 * so Hibernate's plan cache holds each once.
 */
@ApplicationScoped
public class FeedQueries {

    /** Optional filters; {@code targetId} only together with {@code targetType}. */
    public record Filter(String verb, String actorId, String targetType, String targetId) {
    }

    /** Up to {@code limit} activities with {@code since < seq < before}, newest first. */
    public Uni<List<ActivityEntity>> page(String projectId, Long before, long since, Filter filter, int limit) {
        StringBuilder hql = new StringBuilder("from ActivityEntity a where a.projectId = :project and a.seq > :since");
        if (before != null) {
            hql.append(" and a.seq < :before");
        }
        if (filter.verb() != null) {
            hql.append(" and a.verb = :verb");
        }
        if (filter.actorId() != null) {
            hql.append(" and a.actorId = :actor");
        }
        if (filter.targetType() != null) {
            hql.append(" and a.targetType = :targetType");
        }
        if (filter.targetId() != null) {
            hql.append(" and a.targetId = :targetId");
        }
        hql.append(" order by a.seq desc");
        return Panache.getSession().chain(session -> {
            Mutiny.SelectionQuery<ActivityEntity> query = session.createSelectionQuery(hql.toString(), ActivityEntity.class)
                    .setParameter("project", projectId)
                    .setParameter("since", since);
            if (before != null) {
                query.setParameter("before", before);
            }
            if (filter.verb() != null) {
                query.setParameter("verb", filter.verb());
            }
            if (filter.actorId() != null) {
                query.setParameter("actor", filter.actorId());
            }
            if (filter.targetType() != null) {
                query.setParameter("targetType", filter.targetType());
            }
            if (filter.targetId() != null) {
                query.setParameter("targetId", filter.targetId());
            }
            return query.setMaxResults(limit).setReadOnly(true).getResultList();
        });
    }

    /**
     * The activities after {@code seenSeq} that others did (one's own actions are not news to oneself), counted up to
     * {@code cap}: a badge shows "999+", and counting a whole 100,000-item feed costs tens of milliseconds.
     */
    public Uni<Long> unseen(String projectId, String userId, long seenSeq, int cap) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "select count(*) from (select 1 from act_activities where project_id = :project and seq > :seen"
                                + " and actor_id <> :user limit :cap) unseen", Long.class)
                .setParameter("project", projectId)
                .setParameter("seen", seenSeq)
                .setParameter("user", userId)
                .setParameter("cap", cap)
                .getSingleResult());
    }

    public Uni<Long> seenSeq(String projectId, String userId) {
        return SeenEntity.<SeenEntity>findById(new MemberEntity.Key(projectId, userId))
                .map(seen -> seen == null ? 0L : seen.seenSeq);
    }

    /** Moves the marker forward only: a stale client (an old tab) never makes seen items unseen again. */
    public Uni<Void> markSeen(String projectId, String userId, long seq) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "insert into act_seen (project_id, user_id, seen_seq) values (:project, :user, :seq)"
                                + " on conflict (project_id, user_id) do update"
                                + " set seen_seq = greatest(act_seen.seen_seq, excluded.seen_seq)")
                .setParameter("project", projectId)
                .setParameter("user", userId)
                .setParameter("seq", seq)
                .executeUpdate())
                .replaceWithVoid();
    }
}
