package io.nexaflow.nexafone;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The two platform calls nexaflow makes, as Quarkus REST Client interfaces (built in {@link NexafoneClient}). */
public final class NexafoneApi {

    private NexafoneApi() {
    }

    /** {@code POST {NEXAFONE_API_URL}/auth/get-access-token/{accountId}} with {@code {apiKey, apiSecret}}. */
    @Path("/auth/get-access-token")
    public interface Auth {
        @POST
        @Path("/{accountId}")
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        Response accessToken(@PathParam("accountId") String accountId, Credentials credentials);
    }

    /** {@code POST {NEXAFONE_API_URL}{NEXAFONE_ORIGINATE_PATH}} with the originate payload and a bearer token. */
    public interface Voice {
        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        Response originate(@HeaderParam("Authorization") String bearer, JsonNode payload);
    }

    /** The auth request body. Its toString hides the secret. */
    public record Credentials(String apiKey, String apiSecret) {
        @Override
        public String toString() {
            return "Credentials[apiKey=" + apiKey + ", apiSecret=***]";
        }
    }
}
