package io.nexaflow.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** One page of a list, newest first; pass {@code next} as {@code cursor} to get the following page. */
public record Page<T>(
        List<T> items,
        @Schema(description = "Cursor of the next page, or null on the last page", nullable = true) String next) {
}
