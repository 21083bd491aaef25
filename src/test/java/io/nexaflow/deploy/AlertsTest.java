package io.nexaflow.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerts component renders with the prod overlay and alerts on a journal that does not drain or is full, on a
 * campaign whose originates are deferred or that runs behind its pace, on fallback answers, callback latency,
 * failing originates and restarting pods. That their metrics exist is DashboardQueriesTest's concern.
 */
class AlertsTest {

    @Test
    void theAlertsComponentRendersWithProdAndWatchesTheJournal() throws IOException {
        List<GenericKubernetesResource> rules = Manifests.prodWith("alerts")
                .custom("monitoring.coreos.com/v1", "PrometheusRule");
        assertThat(rules).hasSize(1);
        List<Map<String, Object>> groups = rules.get(0).get("spec", "groups");
        List<Map<String, Object>> alerts = groups.stream()
                .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream()).toList();
        assertThat(alerts).extracting(a -> a.get("alert"))
                .containsExactlyInAnyOrder("NexaflowJournalNotDraining", "NexaflowJournalFull",
                        "NexaflowCampaignHeldByNexafone", "NexaflowCampaignBehindPace", "NexaflowCallbackFallbacks",
                        "NexaflowCallbackLatencyHigh", "NexaflowOriginateFailures", "NexaflowPodRestarting");
        Map<String, Object> notDraining = alerts.stream().filter(a -> a.get("alert").equals("NexaflowJournalNotDraining"))
                .findFirst().orElseThrow();
        // Prometheus names of the Micrometer meters io.nexaflow.journal.Journal registers.
        assertThat((String) notDraining.get("expr")).contains("nexaflow_journal_depth > 0",
                "nexaflow_journal_oldest_age_seconds");
        assertThat(notDraining.get("for")).isEqualTo("5m");
        assertThat(alerts).filteredOn(a -> a.get("alert").equals("NexaflowJournalFull")).singleElement()
                .satisfies(a -> assertThat((String) a.get("expr")).contains("nexaflow_journal_refused_total"));
        // The dialer's meters (campaign.Dialer), as CampaignResultsTest reads them from /q/metrics.
        assertThat(alerts).filteredOn(a -> a.get("alert").equals("NexaflowCampaignHeldByNexafone")).singleElement()
                .satisfies(a -> assertThat((String) a.get("expr"))
                        .contains("nexaflow_campaign_held_total{reason=\"nexafone\"}", "by (campaign)"));
        assertThat(alerts).filteredOn(a -> a.get("alert").equals("NexaflowCampaignBehindPace")).singleElement()
                .satisfies(a -> assertThat((String) a.get("expr")).contains(
                        "nexaflow_campaign_originates_total{outcome=\"placed\"}",
                        "nexaflow_campaign_held_total{reason=\"concurrency\"}"));
    }
}
