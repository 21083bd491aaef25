package io.nexaflow.telemetry;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Off unless someone set an endpoint: Quarkus' own default endpoint does not count, the SDK's variable and
 * Quarkus' property both do, and an explicit QUARKUS_OTEL_SDK_DISABLED wins over the switch either way.
 */
class TracingSwitchTest {

    /** As Quarkus runs it: its defaults lowest, application.properties at 250, the environment at 300. */
    private static SmallRyeConfig config(Map<String, String> application, Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .withDefaultValue(TracingSwitch.ENDPOINT, "http://localhost:4317")
                .withDefaultValue(TracingSwitch.DISABLED, "false")
                .withSources(new PropertiesConfigSource(application, "application.properties", 250))
                .withSources(new PropertiesConfigSource(environment, "environment", 300))
                .withSources(new TracingSwitch())
                .build();
    }

    private static boolean disabled(SmallRyeConfig config) {
        return config.getValue(TracingSwitch.DISABLED, Boolean.class);
    }

    @Test
    void withNoEndpointSetTracingIsOffDespiteQuarkusDefaultEndpoint() {
        SmallRyeConfig config = config(Map.of(), Map.of());
        assertThat(disabled(config)).isTrue();
        assertThat(config.getValue(TracingSwitch.JDBC_TELEMETRY, Boolean.class)).isFalse();
    }

    @Test
    void theSdksOwnVariableTurnsItOnAndIsTheEndpointUsed() {
        SmallRyeConfig config = config(Map.of(), Map.of(TracingSwitch.OTEL_ENDPOINT, "http://collector:4317"));
        assertThat(disabled(config)).isFalse();
        assertThat(config.getValue(TracingSwitch.JDBC_TELEMETRY, Boolean.class)).isTrue();
        assertThat(config.getValue(TracingSwitch.ENDPOINT, String.class)).isEqualTo("http://collector:4317");
    }

    @Test
    void quarkusEndpointPropertiesTurnItOnToo() {
        assertThat(disabled(config(Map.of(), Map.of(TracingSwitch.TRACES_ENDPOINT, "http://tempo:4318")))).isFalse();
        assertThat(disabled(config(Map.of(TracingSwitch.ENDPOINT, "http://collector:4317"), Map.of()))).isFalse();
    }

    @Test
    void anExplicitSdkSettingWins() {
        assertThat(disabled(config(Map.of(), Map.of(TracingSwitch.OTEL_ENDPOINT, "http://collector:4317",
                TracingSwitch.DISABLED, "true")))).isTrue();
        SmallRyeConfig forced = config(Map.of(), Map.of(TracingSwitch.DISABLED, "false"));
        assertThat(disabled(forced)).isFalse();
        assertThat(forced.getValue(TracingSwitch.JDBC_TELEMETRY, Boolean.class)).isTrue();
    }
}
