package io.nexaflow.export;

import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The formats an export streams in; CSV unless the client asks for NDJSON. */
public enum ExportFormat {
    CSV("text/csv", "csv"),
    NDJSON("application/x-ndjson", "ndjson");

    public static final String CSV_TYPE = "text/csv";
    public static final String NDJSON_TYPE = "application/x-ndjson";

    private final String mediaType;
    private final String extension;

    ExportFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** The Content-Type of the response; CSV says it has a header row (RFC 4180 §3). */
    public String contentType() {
        return this == CSV ? "text/csv; charset=UTF-8; header=present" : NDJSON_TYPE + "; charset=UTF-8";
    }

    public String extension() {
        return extension;
    }

    /** The client's most preferred of our formats (JAX-RS lists acceptable types by preference); CSV for any wildcard. */
    public static ExportFormat accepting(List<MediaType> acceptable) {
        for (MediaType type : acceptable) {
            for (ExportFormat format : values()) {
                if (type.isCompatible(MediaType.valueOf(format.mediaType))) {
                    return format;
                }
            }
        }
        return CSV;
    }
}
