package dev.realtime.servicekit.db;

/**
 * Recognizes a PostgreSQL unique violation (SQLSTATE 23505) of one named constraint through the wrappers Hibernate
 * Reactive and the Vert.x client put around it: the event store's optimistic concurrency and idempotent commands,
 * a service's own unique keys (notification's one notification per source event and user).
 */
public final class UniqueViolation {
    private static final String UNIQUE_VIOLATION = "23505";

    private UniqueViolation() {
    }

    /** Whether {@code failure} or one of its causes is a unique violation of {@code constraint}. */
    public static boolean of(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg) {
                return UNIQUE_VIOLATION.equals(pg.getSqlState()) && constraint.equals(pg.getConstraint());
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException violation) {
                return constraint.equals(violation.getConstraintName())
                        || (violation.getMessage() != null && violation.getMessage().contains('"' + constraint + '"'));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
