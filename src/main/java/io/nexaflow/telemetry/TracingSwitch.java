package io.nexaflow.telemetry;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tracing is off unless an OTLP endpoint is set, so a plain run exports nothing and tries no collector; one jar
 * does both, decided at start. Set {@code OTEL_EXPORTER_OTLP_ENDPOINT} (the OpenTelemetry SDK's own variable) or
 * {@code QUARKUS_OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT} and the SDK is on; {@code QUARKUS_OTEL_SDK_DISABLED} still
 * decides when set, since this source sits below application.properties and the environment. Off, the JDBC
 * instrumentation is switched off too, and {@link Tracing} hands out a no-op tracer.
 */
public class TracingSwitch implements ConfigSourceFactory {

    static final String DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    static final String JDBC_TELEMETRY = "quarkus.datasource.jdbc.telemetry.enabled";
    /** The SDK's own variables, which Quarkus does not read under these names. */
    static final String OTEL_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    static final String OTEL_TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    private static final int ORDINAL = 200; // below application.properties (250) and the environment (300)
    /** Sources below this are defaults (Quarkus' own endpoint default, localhost:4317, is no one's choice). */
    private static final int SET_BY_SOMEONE = 100;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> values = new HashMap<>();
        String otel = value(context, OTEL_ENDPOINT);
        String otelTraces = value(context, OTEL_TRACES_ENDPOINT);
        if (otel != null) {
            values.put(ENDPOINT, otel);
        }
        if (otelTraces != null) {
            values.put(TRACES_ENDPOINT, otelTraces);
        }
        boolean endpoint = otel != null || otelTraces != null || value(context, ENDPOINT) != null
                || value(context, TRACES_ENDPOINT) != null;
        // QUARKUS_OTEL_SDK_DISABLED, when someone set it, decides either way; the JDBC spans follow the SDK (the JDBC
        // wrapper would otherwise make, and drop, a span per statement with the SDK disabled).
        String forced = value(context, DISABLED);
        boolean on = forced != null ? !Boolean.parseBoolean(forced) : endpoint;
        values.put(DISABLED, String.valueOf(!on));
        values.put(JDBC_TELEMETRY, String.valueOf(on));
        return List.of(new PropertiesConfigSource(values, "nexaflow-tracing-switch", ORDINAL));
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank()
                || value.getConfigSourceOrdinal() < SET_BY_SOMEONE ? null : value.getValue();
    }
}
