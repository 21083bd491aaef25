package io.nexaflow.call;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.support.Flows;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.nexaflow.support.Api.admin;

/**
 * Calls and events written straight into the tables, as if they had happened at a chosen time: the audit tests
 * need history (days and years old) that the webhook would take that long to make.
 */
@ApplicationScoped
public class CallRows {

    /** A flow made through the API and the ids of its revisions (index 0 is revision 1). */
    public record SeededFlow(UUID id, List<UUID> revisions) {
    }

    private final AgroalDataSource dataSource;
    private final PhoneNumbers numbers;

    public CallRows(AgroalDataSource dataSource, PhoneNumbers numbers) {
        this.dataSource = dataSource;
        this.numbers = numbers;
    }

    /** The vendor demo IVR, published, with as many revisions as asked for. */
    public SeededFlow flow(int revisions) {
        ObjectNode body = Flows.request(Flows.seedDefinition());
        body.put("publish", true);
        String id = admin().body(body.toString()).post("/v1/flows").then().statusCode(201).extract().path("id");
        for (int version = 2; version <= revisions; version++) {
            ObjectNode definition = Flows.seedDefinition();
            ((ObjectNode) definition.at("/nodes/menu")).put("maxDigits", version);
            ObjectNode update = Flows.request(definition);
            update.put("publish", true);
            admin().body(update.toString()).put("/v1/flows/" + id).then().statusCode(200);
        }
        List<UUID> ids = new ArrayList<>();
        for (Map<String, Object> row : query("SELECT id FROM flow_revision WHERE flow_id = ? ORDER BY version",
                UUID.fromString(id))) {
            ids.add((UUID) row.get("id"));
        }
        return new SeededFlow(UUID.fromString(id), ids);
    }

    /** An Indian mobile number no other test uses, in E.164. */
    public String number() {
        while (true) {
            String candidate = "+9198" + (10_000_000 + ThreadLocalRandom.current().nextInt(90_000_000));
            try {
                return numbers.pstn(candidate);
            } catch (PhoneNumbers.InvalidNumber e) {
                // try another
            }
        }
    }

    /** A flow call placed at {@code at}; ended ones end a minute later. */
    public UUID call(SeededFlow flow, int version, String from, String to, Call.Status status, Instant at) {
        UUID id = UUID.randomUUID();
        boolean ended = !status.running() && status != Call.Status.UNKNOWN;
        update("""
                INSERT INTO call (id, platform_call_id, kind, flow_id, flow_version, revision_id, from_number, to_number,
                                  status, current_node, attempts, created_at, updated_at, ended_at)
                VALUES (?, ?, 'FLOW', ?, ?, ?, ?, ?, ?, 'menu', '{"menu": 1}', ?, ?, ?)""",
                id, "nf-" + id.toString().substring(0, 8), flow.id(), version, flow.revisions().get(version - 1),
                from, to, status.name(), at, at.plusSeconds(60), ended ? at.plusSeconds(60) : null);
        return id;
    }

    /** An event of a call (or of no call), bypassing the webhook. */
    public long event(UUID call, String type, String node, Integer attempt, String dtmf, String route, String payload,
                      Instant at) {
        return (Long) query("""
                INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?) RETURNING id""",
                call, type, node, attempt, dtmf, route, payload, at).get(0).get("id");
    }

    public int update(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Rows as column → value maps; timestamps come back as Instants. */
    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, params);
             ResultSet rows = statement.executeQuery()) {
            List<Map<String, Object>> found = new ArrayList<>();
            while (rows.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    Object value = rows.getObject(i);
                    if (value instanceof java.sql.Timestamp) {
                        value = rows.getObject(i, java.time.OffsetDateTime.class).toInstant();
                    }
                    row.put(rows.getMetaData().getColumnLabel(i), value);
                }
                found.add(row);
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public long count(String sql, Object... params) {
        return ((Number) query(sql, params).get(0).values().iterator().next()).longValue();
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object value = params[i] instanceof Instant at ? at.atOffset(ZoneOffset.UTC) : params[i];
            statement.setObject(i + 1, value);
        }
        return statement;
    }
}
