package io.nexaflow.db;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Migrations whose comments were edited after they had run, and the checksums a database migrated before the edit
 * holds for them. Flyway checksums comments too, so without this it would refuse to start on such a database. Before
 * Flyway validates, the old checksum is replaced by the new one, for exactly the listed (version, old checksum)
 * pairs: what {@code flyway repair} would do, limited to edits we know change no statement. A migration whose SQL
 * changed is never listed here: it gets a new version.
 */
@ApplicationScoped
public class EditedMigrations implements FlywayConfigurationCustomizer {

    /** One comment-only edit: the migration's version, its checksum before the edit and after it. */
    record Edit(String version, int before, int after) {
    }

    /** V3's first line named a design document outside the repository; it now names docs/architecture.md. */
    static final List<Edit> EDITS = List.of(new Edit("3", 1186732559, -1587282775));

    @Override
    public void customize(FluentConfiguration configuration) {
        String table = configuration.getTable();
        Callback[] existing = configuration.getCallbacks();
        Callback[] callbacks = new Callback[existing.length + 1];
        System.arraycopy(existing, 0, callbacks, 0, existing.length);
        callbacks[existing.length] = new Repair(table);
        configuration.callbacks(callbacks);
    }

    private record Repair(String table) implements Callback {

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.BEFORE_VALIDATE || event == Event.BEFORE_MIGRATE;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            try (Statement probe = context.getConnection().createStatement();
                    var exists = probe.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
                if (!exists.next() || !exists.getBoolean(1)) {
                    return;
                }
                try (PreparedStatement update = context.getConnection().prepareStatement(
                        "UPDATE " + table + " SET checksum = ? WHERE version = ? AND checksum = ?")) {
                    for (Edit edit : EDITS) {
                        update.setInt(1, edit.after());
                        update.setString(2, edit.version());
                        update.setInt(3, edit.before());
                        update.executeUpdate();
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not record the edited migrations' checksums", e);
            }
        }

        @Override
        public String getCallbackName() {
            return "nexaflow-edited-migrations";
        }
    }
}
