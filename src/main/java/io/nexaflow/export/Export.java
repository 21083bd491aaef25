package io.nexaflow.export;

import io.nexaflow.db.Timestamps;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** An export ready to stream: its rows, their format, and what it holds (which names the downloaded file). */
public record Export(StreamingOutput body, ExportFormat format, String what) {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** The export as a file download, named after what it holds and when it was taken. */
    public Response download() {
        return Response.ok(body, format.contentType())
                .header("Content-Disposition", "attachment; filename=\"nexaflow-" + what + "-"
                        + STAMP.format(Timestamps.now()) + "." + format.extension() + "\"")
                .build();
    }
}
