package io.nexaflow.problem;

import jakarta.persistence.PersistenceException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import io.nexaflow.support.TestDatabase;
import org.postgresql.util.PSQLState;

import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are an outage (503, retry) and which are bugs or bad requests (not retried blindly). */
class DatabaseUnavailableTest {

    @Test
    void connectionFailuresAreAnOutageHoweverDeeplyWrapped() {
        assertThat(DatabaseUnavailable.causes(new PSQLException("refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT)))
                .isTrue();
        assertThat(DatabaseUnavailable.causes(new RuntimeException("commit failed", new PersistenceException(
                new PSQLException("I/O error", PSQLState.CONNECTION_FAILURE))))).isTrue();
        assertThat(DatabaseUnavailable.causes(new JDBCConnectionException("no connection", null))).isTrue();
    }

    @Test
    void aSwitchoverIsAnOutage() {
        // The old primary ends sessions (57P01), refuses new ones while it stops (57P03), or is read-only (25006).
        for (String state : new String[] {"57P01", "57P02", "57P03", "25006"}) {
            assertThat(DatabaseUnavailable.causes(new SQLException("switchover", state))).as(state).isTrue();
        }
    }

    @Test
    void thePoolGivingUpIsAnOutage() {
        assertThat(DatabaseUnavailable.causes(new PersistenceException(new SQLException(
                "Acquisition timeout while waiting for new connection", new TimeoutException())))).isTrue();
    }

    /** The dialer met this one at 300 originates/s: a real pool, full, giving up on its acquisition timeout. */
    @Test
    void aFullPoolGivingUpIsAnOutage() throws Exception {
        var config = new io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool.maxSize(1).acquisitionTimeout(java.time.Duration.ofSeconds(2))
                        .connectionFactoryConfiguration(factory -> factory.jdbcUrl(url())
                                .principal(new io.agroal.api.security.NamePrincipal(TestDatabase.username()))
                                .credential(new io.agroal.api.security.SimplePassword(TestDatabase.password()))));
        try (var dataSource = io.agroal.api.AgroalDataSource.from(config);
             var held = dataSource.getConnection()) {
            SQLException refused = org.assertj.core.api.Assertions.catchThrowableOfType(dataSource::getConnection,
                    SQLException.class);
            assertThat(refused != null).as("the second connection of a pool of one is refused").isTrue();
            assertThat(DatabaseUnavailable.causes(new PersistenceException(refused))).as(refused.getMessage()).isTrue();
        }
    }

    private static String url() {
        try {
            return TestDatabase.url();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void otherDatabaseErrorsAreNot() {
        assertThat(DatabaseUnavailable.causes(new ConstraintViolationException("duplicate",
                new PSQLException("duplicate key", PSQLState.UNIQUE_VIOLATION), "call_pkey"))).isFalse();
        assertThat(DatabaseUnavailable.causes(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(DatabaseUnavailable.causes(new SQLException("no state"))).isFalse();
        assertThat(DatabaseUnavailable.causes(new IllegalStateException("a bug"))).isFalse();
    }
}
