package io.nexaflow.webhook;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's database ceiling runs the callback's own statement through pgbench (bench/lib/pgbench-script.js);
 * it reads it from bench/lib/callback-write.sql, which must be exactly what CallbackStore sends.
 */
class CallbackSqlFileTest {

    private static final Path FILE = Path.of("bench/lib/callback-write.sql");

    @Test
    void theBenchmarkRunsTheStatementACallbackRuns() throws Exception {
        String statement = CallbackStore.WRITE_CALLBACKS + "\n";
        if (Boolean.getBoolean("bench.sql.rewrite")) {
            Files.writeString(FILE, statement);
        }
        assertThat(Files.readString(FILE))
                .as("%s differs from CallbackStore.WRITE_CALLBACKS; rewrite it with "
                        + "./mvnw test -Dtest=CallbackSqlFileTest -Dbench.sql.rewrite=true", FILE)
                .isEqualTo(statement);
    }
}
