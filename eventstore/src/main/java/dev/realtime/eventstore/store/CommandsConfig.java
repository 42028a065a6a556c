package dev.realtime.eventstore.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The {@code eventstore.commands.*} settings: how {@link CommandRunner} runs every service's commands. */
@ConfigMapping(prefix = "eventstore.commands")
public interface CommandsConfig {

    /**
     * How long a command waits for its stream's turn (writers of one stream queue in PostgreSQL, across instances)
     * before it is refused with 503 and Retry-After, having written nothing.
     */
    @WithDefault("PT5S")
    Duration turnWait();
}
