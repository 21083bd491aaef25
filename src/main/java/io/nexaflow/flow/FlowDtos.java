package io.nexaflow.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.problem.Problem.FieldError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The shapes of the flow API. */
public final class FlowDtos {

    private FlowDtos() {
    }

    @Schema(name = "FlowRequest", description = "Creates a flow, or a new revision of it")
    public record FlowRequest(
            @Schema(required = true, maxLength = 200, example = "Demo IVR") String name,
            @Schema(maxLength = 2000, example = "The vendor page's demo menu: 1 thanks, 2 agent") String description,
            @Schema(required = true, ref = "FlowDefinition") JsonNode definition,
            @Schema(maxLength = 500, description = "What changed in this revision", example = "first version") String comment,
            @Schema(description = "Publish the new revision right away", defaultValue = "false") Boolean publish) {
    }

    @Schema(name = "Flow")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FlowView(
            UUID id,
            String name,
            String description,
            @Schema(description = "Published revision new calls run on; null until one is published", nullable = true)
            Integer activeVersion,
            @Schema(description = "Newest revision") int latestVersion,
            Instant createdAt,
            Instant updatedAt,
            @Schema(ref = "FlowDefinition", description = "Definition of the latest revision (single-flow reads only)")
            JsonNode definition,
            @Schema(description = "Warnings about the stored definition (create and update only)")
            List<FieldError> warnings,
            @Schema(description = "Update only: whether it stored a new revision; false when the definition equals "
                    + "the latest revision's (name, description and `publish` still apply)", nullable = true)
            Boolean newRevision) {
    }

    @Schema(name = "FlowRevision")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RevisionView(
            int version,
            String comment,
            @Schema(description = "Name of the API key that stored it") String createdBy,
            Instant createdAt,
            @Schema(description = "Whether this is the flow's active revision") boolean published,
            @Schema(description = "SHA-256 of the canonical definition: equal flows have equal hashes")
            String definitionSha256,
            @Schema(ref = "FlowDefinition", description = "Only when one revision is read") JsonNode definition) {
    }

    @Schema(name = "PublishRequest")
    public record PublishRequest(@Schema(required = true, minimum = "1", example = "1") Integer version) {
    }

    @Schema(name = "ValidateRequest")
    public record ValidateRequest(@Schema(required = true, ref = "FlowDefinition") JsonNode definition) {
    }

    @Schema(name = "ValidationResult")
    public record ValidationView(boolean valid, List<FieldError> errors, List<FieldError> warnings) {
    }
}
