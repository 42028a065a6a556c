package dev.realtime.activity.domain;

/**
 * A refused command or read, answered as problem+json: 403 (a member who may not do this), 404 (no such
 * project, or the caller may not see it: both look the same), 409 (the project's state forbids it), 422 (the
 * request is well formed but names an actor who is not a member, or would take the project past its member limit;
 * {@code field} says which field, {@code limit} which limit).
 */
public class ActivityProblem extends RuntimeException {
    private final int status;
    private final String type;
    private final String field;
    private final int limit;

    private ActivityProblem(int status, String type, String detail, String field) {
        this(status, type, detail, field, 0);
    }

    private ActivityProblem(int status, String type, String detail, String field, int limit) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.field = field;
        this.limit = limit;
    }

    public static ActivityProblem projectNotFound() {
        return new ActivityProblem(404, "not-found", "No such project.", null);
    }

    public static ActivityProblem memberNotFound() {
        return new ActivityProblem(404, "not-found", "No such member in this project.", null);
    }

    public static ActivityProblem forbidden(String detail) {
        return new ActivityProblem(403, "forbidden", detail, null);
    }

    public static ActivityProblem conflict(String type, String detail) {
        return new ActivityProblem(409, type, detail, null);
    }

    public static ActivityProblem actorNotMember() {
        return new ActivityProblem(422, "actor-not-member",
                "Activities are recorded for project members only; the actor is not a member.", "actor.id");
    }

    /** The project would have more than {@code max} members. */
    public static ActivityProblem tooManyMembers(int max) {
        return new ActivityProblem(422, "too-many-members",
                "A project has at most " + max + " members, its owner included.", "userId", max);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** The limit the request would exceed, else 0. */
    public int limit() {
        return limit;
    }
}
