package io.nexaflow.export;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes rows one at a time as CSV (RFC 4180: CRLF, quoted when needed, quotes doubled) or NDJSON (one JSON
 * document per line). It holds nothing but the row being written, so an export's memory does not grow with it.
 */
public final class ExportWriter<V> {

    private final ExportFormat format;
    private final List<Column<V>> columns;
    private final ObjectMapper json;
    private final Writer out;

    public ExportWriter(ExportFormat format, List<Column<V>> columns, ObjectMapper json, OutputStream out) {
        this.format = format;
        this.columns = columns;
        this.json = json;
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
    }

    /** The CSV header row; NDJSON has none (each line names its fields). */
    public void header() throws IOException {
        if (format == ExportFormat.CSV) {
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(csvField(columns.get(i).name()));
            }
            out.write("\r\n");
        }
    }

    public void row(V row) throws IOException {
        if (format == ExportFormat.NDJSON) {
            out.write(json.writeValueAsString(row));
            out.write('\n');
            return;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(csvField(columns.get(i).value().apply(row)));
        }
        out.write("\r\n");
    }

    public void flush() throws IOException {
        out.flush();
    }

    /**
     * One RFC 4180 field: absent values stay empty, an empty string is {@code ""} (a timeout's empty digits are
     * not a dropped value), and a value with a comma, quote, CR or LF is quoted with its quotes doubled.
     * A text a spreadsheet would run as a formula (OWASP "CSV injection": a leading {@code = @ TAB CR}, or a
     * {@code + -} not followed by a plain number) gets a leading {@code '}, so an auditor who opens an export in a
     * spreadsheet sees the text, not its result. Numbers such as {@code +919650612345} are left as they are.
     */
    static String csvField(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (text.isEmpty()) {
            return "\"\"";
        }
        if (isFormula(text)) {
            text = "'" + text;
        }
        boolean quote = false;
        for (int i = 0; i < text.length() && !quote; i++) {
            char c = text.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    private static boolean isFormula(String text) {
        char first = text.charAt(0);
        if (first == '=' || first == '@' || first == '\t' || first == '\r') {
            return true;
        }
        if (first != '+' && first != '-') {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return true;
            }
        }
        return text.length() == 1;
    }
}
