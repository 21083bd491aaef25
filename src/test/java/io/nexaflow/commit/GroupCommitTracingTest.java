package io.nexaflow.commit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nexaflow.support.TestDatabase;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's span follows its writes' sampling decision: in the trace of a sampled write, and absent (with the
 * statements under it dropped too) when no write is sampled, even with a sampler that keeps every new root trace.
 */
class GroupCommitTracingTest {

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    // Parent-based with every root kept: a statement span that found no parent would be kept, and show here.
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
    private final Tracer tracer = provider.get("test");

    @AfterEach
    void close() {
        provider.close();
    }

    /** Each write makes one "statement" span under the current span, as the JDBC instrumentation does. */
    private GroupCommit<String, String> commit() throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(TestDatabase.url());
        dataSource.setUser(TestDatabase.username());
        dataSource.setPassword(TestDatabase.password());
        GroupCommit<String, String> commit = new GroupCommit<>(dataSource, (connection, batch) -> {
            List<String> results = new ArrayList<>();
            for (String write : batch) {
                tracer.spanBuilder("statement " + write).startSpan().end();
                results.add("committed");
            }
            return results;
        }, reason -> "failed: " + reason, new GroupCommit.Names("trace-test", "trace.test", "test"),
                new GroupCommit.Sizes(100, 1, 10), new SimpleMeterRegistry(), tracer);
        commit.start();
        return commit;
    }

    @Test
    void aSampledWritesBatchIsInItsTrace() throws Exception {
        GroupCommit<String, String> commit = commit();
        Span callback = tracer.spanBuilder("callback").startSpan();
        try (Scope current = callback.makeCurrent()) {
            assertThat(commit.submit("a").get(10, TimeUnit.SECONDS)).isEqualTo("committed");
        } finally {
            callback.end();
            commit.stop();
        }

        SpanData batch = named("test batch");
        assertThat(batch.getTraceId()).isEqualTo(callback.getSpanContext().getTraceId());
        assertThat(batch.getParentSpanId()).isEqualTo(callback.getSpanContext().getSpanId());
        assertThat(batch.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
                .containsExactly(callback.getSpanContext().getSpanId());
        assertThat(named("statement a").getParentSpanId()).isEqualTo(batch.getSpanId());
    }

    @Test
    void anUnsampledWritesBatchAndStatementsAreNotTraced() throws Exception {
        GroupCommit<String, String> commit = commit();
        SpanContext unsampled = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getDefault(), TraceState.getDefault());
        try (Scope current = Span.wrap(unsampled).makeCurrent()) {
            assertThat(commit.submit("b").get(10, TimeUnit.SECONDS)).isEqualTo("committed");
        } finally {
            commit.stop();
        }

        assertThat(exported.getFinishedSpanItems()).extracting(SpanData::getName).isEmpty();
    }

    private SpanData named(String name) {
        return exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not exported: " + exported.getFinishedSpanItems()));
    }
}
