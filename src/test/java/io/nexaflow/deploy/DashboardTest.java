package io.nexaflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard component renders with the prod overlay as a ConfigMap Grafana's sidecar loads, and its JSON
 * imports anywhere: the data source is a variable, never a uid of one Grafana. Which metrics its queries name is
 * DashboardQueriesTest's concern.
 */
class DashboardTest {

    @Test
    void theDashboardComponentRendersAConfigMapWhoseJsonNamesNoDataSourceUid() throws IOException {
        List<ConfigMap> maps = Manifests.prodWith("dashboard").all(ConfigMap.class).stream()
                .filter(m -> m.getMetadata().getName().equals("nexaflow-dashboard")).toList();
        assertThat(maps).hasSize(1);
        assertThat(maps.get(0).getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        JsonNode dashboard = new ObjectMapper().readTree(maps.get(0).getData().get("nexaflow-dashboard.json"));

        JsonNode variables = dashboard.at("/templating/list");
        assertThat(variables.get(0).get("name").asText()).isEqualTo("datasource");
        assertThat(variables.get(0).get("type").asText()).isEqualTo("datasource");
        assertThat(variables.get(0).get("query").asText()).isEqualTo("prometheus");
        List<String> uids = new ArrayList<>();
        dashboard.findValues("datasource").forEach(d -> {
            if (d.isObject()) {
                uids.add(d.path("uid").asText());
            }
        });
        // Every panel, query and variable takes the chosen data source.
        assertThat(uids).isNotEmpty().containsOnly("${datasource}");
        assertThat(dashboard.get("panels").findValues("expr")).hasSizeGreaterThanOrEqualTo(15);
    }
}
