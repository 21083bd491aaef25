package io.nexaflow.bench.ceiling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.NoCache;

import java.io.IOException;

/**
 * The HTTP ceiling: nexaflow's callback endpoint shape (same path, same signature, non-blocking Uni, body read as
 * bytes and parsed with Jackson) answering a constant gather verb of the size nexaflow answers. No token check, no
 * routing, no database.
 */
@Path("/api/handle-dtmf")
public class ConstantVerb {

    /** A gather verb as nexaflow renders it (same fields, a callback URL of a real token's length). */
    static final String VERB = "{\"type\":\"gather\",\"data\":{\"audioUrl\":"
            + "\"https://nexafone.com/audio-prompts/hey_welcome_press1_or_2.wav\",\"maxDigits\":1,\"timeout\":10000,"
            + "\"digitTimeout\":5000,\"terminator\":\"#\",\"channelId\":\"5f0c7a52-3d47-4c5e-9a76-2f0d3c8b1e11\","
            + "\"action\":\"http://127.0.0.1:18080/api/handle-dtmf?s=" + "A".repeat(150) + "\"}}";

    private final ObjectMapper json;

    public ConstantVerb(ObjectMapper json) {
        this.json = json;
    }

    @POST
    @NoCache
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> handle(@QueryParam("s") String token, byte[] body) {
        try {
            JsonNode tree = json.readTree(body);
            if (tree == null || !tree.isObject() || !tree.hasNonNull("callId")) {
                return Uni.createFrom().item(Response.status(400).build());
            }
        } catch (IOException e) {
            return Uni.createFrom().item(Response.status(400).build());
        }
        return Uni.createFrom().item(Response.ok(VERB, MediaType.APPLICATION_JSON).build());
    }
}
