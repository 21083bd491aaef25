package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.UUID;

/**
 * One append-only entry of a call's audit trail. Immutable to Hibernate too: a JSON payload that reads back as
 * a different node type (a long as an int) must not turn into an UPDATE, which the V3 trigger refuses.
 */
@Entity
@Immutable
@Table(name = "call_event")
public class CallEvent extends PanacheEntityBase {

    /** The types of events nexaflow writes; stored by name in the text column {@code type}. */
    public enum Type {
        STATUS, ORIGINATE_REQUEST, ORIGINATE_RESPONSE, DTMF, VERB_SENT, DIAL, CALLBACK_REJECTED, CALLBACK_FALLBACK,
        CALLBACK_FORGED,
        /** A request a flow's http node made to the business's API: masked URL and headers, status, latency. */
        HTTP_REQUEST
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The id of the call row (nexaflow's own), not Nexafone's callId. */
    @Column(name = "call_id")
    public UUID call;

    @Enumerated(EnumType.STRING)
    public Type type;

    public String node;

    public Integer attempt;

    public String dtmf;

    public String route;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode payload;

    /**
     * For DTMF: the verb nexaflow answered that key press with. Stored in the same row (one row per callback);
     * readers see it as the VERB_SENT event that follows the DTMF ({@link CallDtos.EventView#of}).
     */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode verb;

    public Instant at;

    public static CallEvent of(UUID call, Type type, JsonNode payload, Instant at) {
        CallEvent event = new CallEvent();
        event.call = call;
        event.type = type;
        event.payload = payload;
        event.at = at;
        return event;
    }
}
