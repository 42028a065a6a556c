package dev.realtime.activity.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.activity.api.ActivityDtos.Activity;
import dev.realtime.activity.api.ActivityDtos.Member;
import dev.realtime.activity.api.ActivityDtos.Project;
import dev.realtime.activity.api.ActivityDtos.ProjectSummary;
import dev.realtime.activity.store.ActivityEntity;
import dev.realtime.activity.store.MemberEntity;
import dev.realtime.activity.store.ProjectEntity;
import dev.realtime.activity.store.UserDirectory;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.records.Target;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Read models → response bodies. */
@ApplicationScoped
public class ProjectViews {
    @Inject
    UserDirectory directory;

    public Uni<Project> project(String projectId, MemberEntity me) {
        return ProjectEntity.<ProjectEntity>findById(projectId).map(project -> new Project(project.id, project.title,
                project.archived(), project.ownerId, project.createdAt, me.role, project.version));
    }

    public Uni<List<ProjectSummary>> myProjects(String userId) {
        return Panache.getSession().chain(session -> session.createSelectionQuery(
                        "select p, m.role from ProjectEntity p, MemberEntity m where m.key.projectId = p.id"
                                + " and m.key.userId = :user order by p.createdAt desc, p.id", Object[].class)
                .setParameter("user", userId)
                .setMaxResults(500)
                .getResultList())
                .map(rows -> rows.stream().map(row -> {
                    ProjectEntity p = (ProjectEntity) row[0];
                    return new ProjectSummary(p.id, p.title, p.archived(), (String) row[1], p.version);
                }).toList());
    }

    /** Members added without a name show the one the identity provider gave them once they were seen. */
    public Uni<List<Member>> members(String projectId) {
        return MemberEntity.<MemberEntity>list("key.projectId = ?1 order by joinedAt, key.userId", projectId)
                .chain(rows -> directory.namesOf(rows.stream().filter(m -> m.displayName == null)
                                .map(MemberEntity::userId).toList())
                        .map(names -> rows.stream().map(m -> new Member(m.userId(),
                                m.displayName != null ? m.displayName : names.get(m.userId()), m.role, m.joinedAt))
                                .toList()));
    }

    /**
     * Feed items whose actor had no name when they were written (stored as the bare id) show the name the identity
     * provider gave the actor since.
     */
    public Uni<List<Activity>> activities(List<ActivityEntity> rows) {
        List<String> unnamed = rows.stream().filter(ProjectViews::unnamedActor).map(row -> row.actorId).toList();
        return directory.namesOf(unnamed).map(names -> rows.stream().map(row -> {
            Activity activity = activity(row);
            String name = unnamedActor(row) ? names.get(row.actorId) : null;
            return name == null ? activity : new Activity(activity.id(), activity.seq(), activity.projectId(),
                    activity.verb(), new Actor(row.actorId, name), activity.target(), activity.occurredAt(),
                    activity.details());
        }).toList());
    }

    private static boolean unnamedActor(ActivityEntity row) {
        return row.actorName == null || row.actorName.equals(row.actorId);
    }

    static Activity activity(ActivityEntity row) {
        return new Activity(row.id.toString(), row.seq, row.projectId, row.verb, new Actor(row.actorId, row.actorName),
                new Target(row.targetType, row.targetId, row.targetTitle, row.targetLink), row.occurredAt,
                details(row.details));
    }

    private static JsonNode details(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
