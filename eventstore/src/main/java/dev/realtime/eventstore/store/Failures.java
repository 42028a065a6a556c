package dev.realtime.eventstore.store;

/** Recognizes database errors through the wrappers Hibernate Reactive and the Vert.x client put around them. */
final class Failures {
    private static final String UNIQUE_VIOLATION = "23505";

    private Failures() {
    }

    static boolean isUniqueViolation(Throwable failure, String constraint) {
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
