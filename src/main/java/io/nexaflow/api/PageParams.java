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
    @Parameter(description = "Page size, 1–" + Cursor.MAX_LIMIT + " (default " + Cursor.DEFAULT_LIMIT + ")",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "" + Cursor.MAX_LIMIT))
    public Integer limit;

    /** Null for the first page; a 400 problem for a cursor this service did not make. */
    public Cursor position() {
        return Cursor.decode(cursor);
    }

    /** The page size asked for, or the default; a 400 problem when out of range. */
    public int size() {
        return Cursor.limit(limit);
    }
}
