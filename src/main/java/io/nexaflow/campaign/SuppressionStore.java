package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.api.Cursor;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageRequest;
import io.nexaflow.campaign.Campaign.ContactState;
import io.nexaflow.campaign.CampaignDtos.ImportResult;
import io.nexaflow.campaign.CampaignDtos.SuppressionRequest;
import io.nexaflow.campaign.CampaignDtos.SuppressionView;
import io.nexaflow.db.Timestamps;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Numbers no campaign dials (opt-outs, do-not-call lists). A contact uploaded with a suppressed number is stored
 * as SUPPRESSED; a suppression added later stops the contacts still waiting for that number, in every campaign.
 * Lifting one (DELETE) dials nobody again by itself: contacts it stopped stay SUPPRESSED.
 */
@ApplicationScoped
public class SuppressionStore {

    private static final Logger LOG = Logger.getLogger(SuppressionStore.class);
    static final int MAX_REASON = 500;

    private final Jdbc jdbc;
    private final PhoneNumbers numbers;
    private final UploadReader reader;

    public SuppressionStore(AgroalDataSource dataSource, PhoneNumbers numbers, ObjectMapper json) {
        this.jdbc = new Jdbc(dataSource);
        this.numbers = numbers;
        this.reader = new UploadReader(numbers, json);
    }

    /** One number, from a JSON body: its problems are a 422 with pointers, as for any JSON request. */
    public ImportResult add(SuppressionRequest request, String who) {
        List<FieldError> errors = new ArrayList<>();
        String number = null;
        try {
            number = numbers.pstn(request.number());
        } catch (PhoneNumbers.InvalidNumber e) {
            errors.add(new FieldError("/number", e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        String reason = reason(request.reason(), problems);
        problems.forEach(p -> errors.add(new FieldError("/reason", p.substring("reason: ".length()))));
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("Invalid suppression", errors);
        }
        Upload.Row row = new Upload.Row(1, number, reason);
        return jdbc.transaction(connection -> {
            try (Upload upload = new Upload(rows -> store(connection, rows, who))) {
                upload.add(row);
                return upload.finish();
            }
        });
    }

    public ImportResult importCsv(InputStream body, String who) {
        return jdbc.transaction(connection -> {
            ImportResult result;
            try (Upload upload = new Upload(rows -> store(connection, rows, who))) {
                reader.csv(body, UploadReader.suppressionReason(), upload);
                result = upload.finish();
            }
            LOG.infof("suppression upload by %s: %d added, %d already there, %d rejected", who, result.accepted(),
                    result.duplicates(), result.rejected());
            return result;
        });
    }

    public Page<SuppressionView> list(PageRequest<Cursor> page) {
        Cursor after = page.after();
        String select = "SELECT number, reason, created_by, created_at FROM suppression ";
        return jdbc.transaction(connection -> {
            List<SuppressionView> rows = after == null
                    ? Jdbc.query(connection, select + "ORDER BY created_at DESC, number DESC LIMIT ?",
                    SuppressionStore::view, page.fetch())
                    : Jdbc.query(connection, select + "WHERE (created_at, number) < (?, ?) "
                    + "ORDER BY created_at DESC, number DESC LIMIT ?", SuppressionStore::view, after.at(), after.id(),
                    page.fetch());
            return page.page(rows, s -> new Cursor(s.createdAt(), s.number()).encode());
        });
    }

    /** Lifts a suppression; a 404 problem when the number is not suppressed. */
    public void delete(String raw, String who) {
        String number;
        try {
            number = numbers.pstn(raw);
        } catch (PhoneNumbers.InvalidNumber e) {
            throw ProblemException.badRequest("number: " + e.getMessage());
        }
        int deleted = jdbc.transaction(connection -> Jdbc.update(connection,
                "DELETE FROM suppression WHERE number = ?", number));
        if (deleted == 0) {
            throw ProblemException.notFound(number + " is not suppressed");
        }
        LOG.infof("suppression of %s lifted by %s", PhoneNumbers.mask(number), who);
    }

    /** A reason as stored (null when absent); a problem when it is too long. */
    static String reason(String reason, List<String> problems) {
        if (reason != null && reason.length() > MAX_REASON) {
            problems.add("reason: at most " + MAX_REASON + " characters, was " + reason.length());
            return null;
        }
        return reason;
    }

    private static Upload.Stored store(Connection connection, List<Upload.Row> rows, String who)
            throws SQLException {
        String[] numbers = rows.stream().map(Upload.Row::number).toArray(String[]::new);
        String[] reasons = rows.stream().map(Upload.Row::value).toArray(String[]::new);
        Integer[] lines = rows.stream().map(r -> (int) Math.min(Integer.MAX_VALUE, r.line())).toArray(Integer[]::new);
        Instant now = Timestamps.now();
        List<String> added = Jdbc.query(connection, """
                INSERT INTO suppression (number, reason, created_by, created_at)
                SELECT u.number, u.reason, ?, ?
                  FROM unnest(?::text[], ?::text[], ?::int[]) AS u (number, reason, line)
                 ORDER BY u.line
                ON CONFLICT (number) DO NOTHING
                RETURNING number""", r -> r.getString(1), who, now, numbers, reasons, lines);
        if (!added.isEmpty()) {
            // By (campaign, number), the contacts' unique key, in the campaigns that may still dial: an index on
            // number alone would cost every contact upload a write for the rare suppression.
            int stopped = Jdbc.update(connection, "UPDATE campaign_contact c SET state = ?, next_attempt_at = NULL, "
                            + "updated_at = ? FROM campaign k, unnest(?::text[]) AS n (number) "
                            + "WHERE k.state = ANY (?) AND c.campaign_id = k.id AND c.number = n.number "
                            + "AND c.state IN (" + ContactState.WAITING_SQL + ")",
                    ContactState.SUPPRESSED.name(), now, added.toArray(String[]::new),
                    Campaign.State.OPEN.stream().map(Enum::name).toArray(String[]::new));
            if (stopped > 0) {
                LOG.infof("%d waiting campaign contact(s) suppressed", stopped);
            }
        }
        return new Upload.Stored(added.size(), 0);
    }

    private static SuppressionView view(java.sql.ResultSet rows) throws SQLException {
        return new SuppressionView(rows.getString(1), rows.getString(2), rows.getString(3),
                Jdbc.instant(rows, "created_at"));
    }
}
