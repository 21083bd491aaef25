package io.nexaflow.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExportWriterTest {

    record Row(String a, Integer b) {
    }

    private static final List<Column<Row>> COLUMNS = List.of(Column.of("a", Row::a), Column.of("b,c", Row::b));

    @Test
    void csvQuotesOnlyWhatRfc4180RequiresAndDoublesQuotes() {
        assertThat(ExportWriter.csvField(null)).isEqualTo("");
        assertThat(ExportWriter.csvField("")).isEqualTo("\"\"");
        assertThat(ExportWriter.csvField("+919650612345")).isEqualTo("+919650612345");
        assertThat(ExportWriter.csvField("a,b")).isEqualTo("\"a,b\"");
        assertThat(ExportWriter.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ExportWriter.csvField("one\ntwo")).isEqualTo("\"one\ntwo\"");
        assertThat(ExportWriter.csvField("one\rtwo")).isEqualTo("\"one\rtwo\"");
        assertThat(ExportWriter.csvField("naïve ☎ #*")).isEqualTo("naïve ☎ #*");
    }

    @Test
    void textThatASpreadsheetWouldRunAsAFormulaIsWrittenAsText() {
        assertThat(ExportWriter.csvField("=HYPERLINK(\"https://evil.example\",\"x\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\"");
        assertThat(ExportWriter.csvField("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(ExportWriter.csvField("+cmd|' /C calc'!A0")).isEqualTo("'+cmd|' /C calc'!A0");
        assertThat(ExportWriter.csvField("-2+3")).isEqualTo("'-2+3");
        assertThat(ExportWriter.csvField("\tx")).isEqualTo("'\tx");
        assertThat(ExportWriter.csvField("\rx")).isEqualTo("\"'\rx\"");
        // Numbers and the audit trail's own values stay as they are.
        assertThat(ExportWriter.csvField("+919650612345")).isEqualTo("+919650612345");
        assertThat(ExportWriter.csvField("-12.5")).isEqualTo("-12.5");
        assertThat(ExportWriter.csvField("*#")).isEqualTo("*#");
        assertThat(ExportWriter.csvField("menu-2")).isEqualTo("menu-2");
    }

    @Test
    void csvHasAHeaderAndCrlfLines() throws Exception {
        assertThat(write(ExportFormat.CSV, new Row("x\"y", 1), new Row(null, null)))
                .isEqualTo("a,\"b,c\"\r\n\"x\"\"y\",1\r\n,\r\n");
    }

    @Test
    void ndjsonIsOneDocumentPerLine() throws Exception {
        assertThat(write(ExportFormat.NDJSON, new Row("x\ny", 1), new Row("z", 2)))
                .isEqualTo("{\"a\":\"x\\ny\",\"b\":1}\n{\"a\":\"z\",\"b\":2}\n");
    }

    @Test
    void theClientsPreferenceDecidesTheFormat() {
        assertThat(ExportFormat.accepting(List.of())).isEqualTo(ExportFormat.CSV);
        assertThat(ExportFormat.accepting(List.of(MediaType.WILDCARD_TYPE))).isEqualTo(ExportFormat.CSV);
        assertThat(ExportFormat.accepting(List.of(MediaType.valueOf("application/x-ndjson")))).isEqualTo(ExportFormat.NDJSON);
        assertThat(ExportFormat.accepting(List.of(MediaType.valueOf("application/x-ndjson"),
                MediaType.valueOf("text/csv")))).isEqualTo(ExportFormat.NDJSON);
        assertThat(ExportFormat.accepting(List.of(MediaType.valueOf("text/csv"), MediaType.WILDCARD_TYPE)))
                .isEqualTo(ExportFormat.CSV);
    }

    private static String write(ExportFormat format, Row... rows) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportWriter<Row> writer = new ExportWriter<>(format, COLUMNS, new ObjectMapper(), out);
        writer.header();
        for (Row row : rows) {
            writer.row(row);
        }
        writer.flush();
        return out.toString(StandardCharsets.UTF_8);
    }
}
