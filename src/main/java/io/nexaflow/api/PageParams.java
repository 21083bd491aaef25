package io.nexaflow.api;

import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** `cursor` and `limit`, as every keyset-paged list takes them (a {@code @BeanParam}). */
public class PageParams {

    @QueryParam("cursor")
    @Parameter(description = "`next` of the previous page")
    public String cursor;

    @QueryParam("limit")
    @Parameter(description = "Page size, 1–" + PageRequest.MAX_LIMIT + " (default " + PageRequest.DEFAULT_LIMIT + ")",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "" + PageRequest.MAX_LIMIT))
    public Integer limit;

    /** The page asked for; a 400 problem for a cursor this service did not make or a size out of range. */
    public PageRequest<Cursor> request() {
        return new PageRequest<>(Cursor.decode(cursor), PageRequest.limit(limit, PageRequest.DEFAULT_LIMIT));
    }
}
