package dev.realtime.eventstore.store;

/**
 * A stream's turn (migration V5): the transaction-scoped advisory lock every append to the stream holds while it
 * writes, so that the writers of one stream queue in PostgreSQL, in arrival order, however many instances run.
 */
final class StreamTurns {
    /** Waits for the turn for at most {@code $2} ms; the first statement of a command's transaction. */
    static final String WAIT = "SELECT 1 FROM es_wait_turn($1, $2)";
    /** {@link #WAIT} for a Hibernate native query, with named parameters. */
    static final String WAIT_NAMED = "select 1 from es_wait_turn(:stream, :waitMillis)";

    /** PostgreSQL's lock_not_available: the turn was taken (a single statement's try) or not reached in time. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private StreamTurns() {
    }

    /** Whether {@code failure} or one of its causes says the stream's turn was not available. */
    static boolean notAvailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg) {
                return LOCK_NOT_AVAILABLE.equals(pg.getSqlState());
            }
            if (t instanceof org.hibernate.JDBCException jdbc && jdbc.getSQLState() != null) {
                return LOCK_NOT_AVAILABLE.equals(jdbc.getSQLState());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
