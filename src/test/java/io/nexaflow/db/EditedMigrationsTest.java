package io.nexaflow.db;

import io.nexaflow.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database migrated before a comment-only edit of a migration still starts: the service's Flyway records the
 * edited file's checksum instead of refusing, and a Flyway without that step would refuse.
 */
@QuarkusTest
class EditedMigrationsTest {

    private static final EditedMigrations.Edit V3 = EditedMigrations.EDITS.get(0);

    @Inject
    Flyway flyway;

    @Inject
    DataSource dataSource;

    @AfterEach
    void fileChecksumAgain() throws SQLException {
        setChecksum(V3.after());
    }

    @Test
    void theServicesFlywayAcceptsADatabaseMigratedBeforeTheEdit() throws SQLException {
        setChecksum(V3.before());

        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        assertThat(checksum()).isEqualTo(V3.after());
    }

    @Test
    void aFlywayWithoutTheStepRefusesThatDatabase() throws Exception {
        setChecksum(V3.before());

        Flyway plain = Flyway.configure()
                .dataSource(TestDatabase.url(), TestDatabase.username(), TestDatabase.password())
                .locations("classpath:migration")
                .placeholders(Map.of("runtime_role", "-", "retention_role", "-"))
                .load();
        var result = plain.validateWithResult();

        assertThat(result.validationSuccessful).isFalse();
        assertThat(result.invalidMigrations).anySatisfy(m -> assertThat(m.version).isEqualTo("3"));
    }

    @Test
    void eachListedEditNamesTheFilesChecksumAfterIt() {
        for (EditedMigrations.Edit edit : EditedMigrations.EDITS) {
            MigrationInfo info = Arrays.stream(flyway.info().all())
                    .filter(m -> m.getVersion() != null && m.getVersion().getVersion().equals(edit.version()))
                    .findFirst().orElseThrow();
            assertThat(info.getChecksum()).as("V%s", edit.version()).isEqualTo(edit.after());
            assertThat(edit.before()).isNotEqualTo(edit.after());
        }
    }

    private void setChecksum(int checksum) throws SQLException {
        try (Connection db = dataSource.getConnection();
             PreparedStatement update = db.prepareStatement(
                     "UPDATE flyway_schema_history SET checksum = ? WHERE version = ?")) {
            update.setInt(1, checksum);
            update.setString(2, V3.version());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private int checksum() throws SQLException {
        try (Connection db = dataSource.getConnection();
             PreparedStatement query = db.prepareStatement(
                     "SELECT checksum FROM flyway_schema_history WHERE version = ?")) {
            query.setString(1, V3.version());
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getInt(1);
            }
        }
    }
}
