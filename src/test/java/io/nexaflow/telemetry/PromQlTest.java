package io.nexaflow.telemetry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The metric-name extraction DashboardQueriesTest relies on, on the shapes the dashboard and the alerts use. */
class PromQlTest {

    @Test
    void findsTheMetricsOfAQueryAndNothingElse() {
        assertThat(PromQl.metrics("histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket"
                + "{namespace=\"$namespace\", uri=\"/api/handle-dtmf\"}[$__rate_interval]))) > 0.25"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(PromQl.metrics("sum(rate(nexaflow_callbacks_total{outcome=\"fallback\"}[5m]))\n"
                + "/ sum(rate(nexaflow_callbacks_total[5m])) > 0.01 and on (pod) up == 1"))
                .containsExactly("nexaflow_callbacks_total", "up");
        assertThat(PromQl.metrics("nexaflow_journal_depth > 0 and deriv(nexaflow_journal_oldest_age_seconds[5m]) > 0"))
                .containsExactly("nexaflow_journal_depth", "nexaflow_journal_oldest_age_seconds");
        assertThat(PromQl.metrics("label_values(nexaflow_callbacks_total{namespace=\"$namespace\"}, job)"))
                .containsExactly("nexaflow_callbacks_total");
        assertThat(PromQl.metrics("sum without (pod) (jvm_memory_used_bytes) * 1e3")).containsExactly(
                "jvm_memory_used_bytes");
    }
}
