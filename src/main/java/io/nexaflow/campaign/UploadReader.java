package io.nexaflow.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.nexaflow.expr.Variables;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads an upload row by row (CSV with Jackson's streaming parser, NDJSON a line at a time) and hands each row,
 * its number normalised, to an {@link Upload}. A row that is wrong is rejected with its line; an upload whose
 * structure is wrong (no {@code number} column, broken CSV quoting) is refused whole, as a 422 problem.
 */
final class UploadReader {

    static final String CSV = "text/csv";
    static final String NDJSON = "application/x-ndjson";
    static final String NUMBER = "number";

    private static final CsvMapper CSV_MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.TRIM_SPACES)
            .build();

    private final PhoneNumbers numbers;
    private final ObjectMapper json;

    UploadReader(PhoneNumbers numbers, ObjectMapper json) {
        this.numbers = numbers;
        this.json = json;
    }

    /** How a CSV upload reads its columns other than {@code number}: the value stored with each row. */
    interface Columns {
        /** Null when the header is fine, else what is wrong with it. */
        String checkHeader(List<String> header);

        /** The value stored with a row, given its cells by column (null for a cell the row lacks). */
        String value(List<String> header, String[] cells, int numberColumn, List<String> problems);
    }

    /** Contacts: every other column is a string variable. */
    Columns contactVariables() {
        return new Columns() {
            @Override
            public String checkHeader(List<String> header) {
                List<String> bad = header.stream().filter(h -> !h.equals(NUMBER) && !Variables.isName(h)).toList();
                return bad.isEmpty() ? null : "columns other than 'number' become flow variables, and " + bad
                        + " are not variable names (a letter or _, then up to 63 letters, digits or _)";
            }

            @Override
            public String value(List<String> header, String[] cells, int numberColumn, List<String> problems) {
                ObjectNode variables = json.createObjectNode();
                for (int i = 0; i < header.size() && i < cells.length; i++) {
                    if (i != numberColumn) {
                        variables.put(header.get(i), cells[i]);
                    }
                }
                return variables(variables, problems);
            }
        };
    }

    /** Suppressions: an optional {@code reason} column; others are ignored (a do-not-call list has many). */
    static Columns suppressionReason() {
        return new Columns() {
            @Override
            public String checkHeader(List<String> header) {
                return null;
            }

            @Override
            public String value(List<String> header, String[] cells, int numberColumn, List<String> problems) {
                int column = header.indexOf("reason");
                String reason = column >= 0 && column < cells.length && !cells[column].isEmpty() ? cells[column] : null;
                return SuppressionStore.reason(reason, problems);
            }
        };
    }

    void csv(InputStream body, Columns columns, Upload upload) throws SQLException {
        try (MappingIterator<String[]> rows = CSV_MAPPER.readerFor(String[].class).readValues(withoutBom(body))) {
            if (!rows.hasNextValue()) {
                throw refused("the upload is empty: a header row naming a 'number' column is required");
            }
            List<String> header = List.of(rows.nextValue());
            int numberColumn = header.indexOf(NUMBER);
            if (numberColumn < 0) {
                throw refused("line 1: the header row " + header + " has no 'number' column");
            }
            Set<String> seen = new HashSet<>();
            List<String> twice = header.stream().filter(h -> !seen.add(h)).distinct().toList();
            if (!twice.isEmpty()) {
                throw refused("line 1: the header row names " + twice + " more than once");
            }
            String wrong = columns.checkHeader(header);
            if (wrong != null) {
                throw refused("line 1: " + wrong);
            }
            long line = 1;
            while (rows.hasNextValue()) {
                String[] cells = rows.nextValue();
                line++;
                if (blank(cells)) {
                    continue;
                }
                if (cells.length > header.size()) {
                    upload.reject(line, cells.length + " values for " + header.size() + " columns");
                    continue;
                }
                List<String> problems = new ArrayList<>();
                String number = number(numberColumn < cells.length ? cells[numberColumn] : null, problems);
                String value = columns.value(header, cells, numberColumn, problems);
                accept(upload, line, number, value, problems);
            }
        } catch (JsonProcessingException e) {
            throw refused("line " + e.getLocation().getLineNr() + ": not valid CSV (" + e.getOriginalMessage()
                    + "); nothing was stored");
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** NDJSON: one object a line; {@code valueOf} turns an object into its stored value, adding its problems. */
    void ndjson(InputStream body, List<String> fields, BiFunction<JsonNode, List<String>, String> valueOf,
                Upload upload)
            throws SQLException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            long line = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode row;
                try {
                    row = json.readTree(text);
                } catch (JsonProcessingException e) {
                    upload.reject(line, "not JSON: " + e.getOriginalMessage());
                    continue;
                }
                if (!row.isObject()) {
                    upload.reject(line, "must be a JSON object with a 'number'");
                    continue;
                }
                List<String> problems = new ArrayList<>();
                row.fieldNames().forEachRemaining(name -> {
                    if (!fields.contains(name)) {
                        problems.add("'" + name + "' is not a field; the fields are " + fields);
                    }
                });
                JsonNode number = row.get(NUMBER);
                String normalised = number(number == null || number.isNull() ? null
                        : number.isTextual() ? number.textValue() : number.toString(), problems);
                if (number != null && !number.isNull() && !number.isTextual()) {
                    problems.add("number: must be a string");
                }
                String value = valueOf.apply(row, problems);
                accept(upload, line, normalised, value, problems);
            }
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** A contact's NDJSON {@code variables}, as stored; problems become the row's. */
    String contactVariables(JsonNode row, List<String> problems) {
        JsonNode variables = row.get("variables");
        if (variables == null || variables.isNull()) {
            return "{}";
        }
        for (FieldError error : Variables.check(variables)) {
            problems.add(error.pointer().substring(1) + ": " + error.message());
        }
        return problems.isEmpty() ? variables.toString() : null;
    }

    private String variables(ObjectNode variables, List<String> problems) {
        List<FieldError> errors = Variables.check(variables);
        for (FieldError error : errors) {
            problems.add(error.pointer().substring(1) + ": " + error.message());
        }
        return errors.isEmpty() ? variables.toString() : null;
    }

    private String number(String raw, List<String> problems) {
        try {
            return numbers.pstn(raw);
        } catch (PhoneNumbers.InvalidNumber e) {
            problems.add("number: " + e.getMessage());
            return null;
        }
    }

    private static void accept(Upload upload, long line, String number, String value, List<String> problems)
            throws SQLException {
        if (problems.isEmpty()) {
            upload.add(new Upload.Row(line, number, value));
        } else {
            upload.reject(line, String.join("; ", problems));
        }
    }

    private static boolean blank(String[] cells) {
        for (String cell : cells) {
            if (!cell.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** A spreadsheet's UTF-8 byte order mark would otherwise become part of the first column's name. */
    private static Reader withoutBom(InputStream body) throws IOException {
        PushbackReader reader = new PushbackReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1);
        int first = reader.read();
        if (first != -1 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }

    static ProblemException refused(String detail) {
        return new ProblemException(Problem.of(422, "invalid-upload", "Invalid upload", detail));
    }

    /** The client stopped sending, or sent more than the limit (already answered 413): nothing is stored. */
    private static ProblemException broken(IOException e) {
        return ProblemException.badRequest("the upload broke off (" + e.getMessage() + "); nothing was stored");
    }
}
