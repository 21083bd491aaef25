package io.nexaflow.api;

import io.nexaflow.problem.ProblemException;

import java.util.List;
import java.util.function.Function;

/**
 * One keyset page to read: the position to continue after (null or a start value for the first page) and its
 * size. A read asks for {@link #fetch()} rows, one more than the page holds: that row only says a next page exists.
 */
public record PageRequest<K>(K after, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** The page size asked for, or {@code whenAbsent}; a 400 problem when out of range. */
    public static int limit(Integer asked, int whenAbsent) {
        if (asked == null) {
            return whenAbsent;
        }
        if (asked < 1 || asked > MAX_LIMIT) {
            throw ProblemException.badRequest("'limit' must be between 1 and " + MAX_LIMIT + ", was " + asked);
        }
        return asked;
    }

    /** How many rows to read: the page and one more. */
    public int fetch() {
        return limit + 1;
    }

    /** The page of rows read with {@link #fetch()}; {@code next} is the position of its last row, null on the last page. */
    public <T> Page<T> page(List<T> rows, Function<T, String> position) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, position.apply(items.get(limit - 1)));
    }
}
