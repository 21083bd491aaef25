package io.nexaflow.campaign;

import io.nexaflow.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a campaign and of its contacts, with the sets the API and the dialer act on: the one owner of
 * those rules, so the resource, the SQL and the next release's dialer cannot disagree.
 */
public final class Campaign {

    private Campaign() {
    }

    @Schema(name = "CampaignState", description = "DRAFT until started; RUNNING and PAUSED until cancelled or done")
    public enum State {
        DRAFT, RUNNING, PAUSED, COMPLETED, CANCELLED;

        /** Contacts may still be added: a campaign that has ended takes none. */
        public static final Set<State> OPEN = Collections.unmodifiableSet(EnumSet.of(DRAFT, RUNNING, PAUSED));
    }

    /** The moves a client asks for (POST /v1/campaigns/{id}/{action}); COMPLETED is the dialer's to set. */
    public enum Action {
        START(EnumSet.of(State.DRAFT), State.RUNNING),
        PAUSE(EnumSet.of(State.RUNNING), State.PAUSED),
        RESUME(EnumSet.of(State.PAUSED), State.RUNNING),
        CANCEL(State.OPEN, State.CANCELLED);

        private final Set<State> from;
        private final State to;

        Action(Set<State> from, State to) {
            this.from = Collections.unmodifiableSet(EnumSet.copyOf(from));
            this.to = to;
        }

        public State to() {
            return to;
        }

        /** The state this action leads to from {@code current}; a 409 problem when it is not allowed there. */
        public State from(State current) {
            if (!from.contains(current)) {
                throw ProblemException.conflict("campaign-state", "a " + current + " campaign cannot "
                        + name().toLowerCase(Locale.ROOT) + "; allowed from " + from);
            }
            return to;
        }
    }

    @Schema(name = "ContactState", description = "Where a contact is: waiting (PENDING, RETRY_WAIT), being called "
            + "(DIALING, IN_PROGRESS), done (COMPLETED, NO_ANSWER, FAILED), or never to be called (CANCELLED, "
            + "SUPPRESSED)")
    public enum ContactState {
        PENDING, DIALING, IN_PROGRESS, COMPLETED, NO_ANSWER, FAILED, RETRY_WAIT, CANCELLED, SUPPRESSED;

        /** Waiting to be dialled: what the dialer leases, what cancel and a new suppression stop. */
        public static final Set<ContactState> WAITING = Collections.unmodifiableSet(EnumSet.of(PENDING, RETRY_WAIT));

        /** Done, or never to be called: what a progress bar counts as behind it. */
        public static final Set<ContactState> SETTLED = Collections.unmodifiableSet(
                EnumSet.of(COMPLETED, NO_ANSWER, FAILED, CANCELLED, SUPPRESSED));

        /**
         * {@link #WAITING} as an SQL list, written into statements rather than bound: only a literal lets
         * PostgreSQL use the partial indexes on waiting contacts (V7__campaigns.sql) in a prepared plan.
         */
        static final String WAITING_SQL = String.join(", ", WAITING.stream().map(s -> "'" + s + "'").toList());
    }

    /** Why a RUNNING campaign is not dialling at its pace, as the dialer last saw it (campaign.held_reason). */
    @Schema(name = "CampaignHeldReason", description = "WINDOW: outside its calling hours; CONCURRENCY: "
            + "maxConcurrent calls are on the line; NEXAFONE: originates are being deferred because Nexafone (or "
            + "the database) refused them")
    public enum Held {
        WINDOW, CONCURRENCY, NEXAFONE
    }

    /** The created_by of the calls a campaign places: how its calls are told from the API's. */
    public static String caller(java.util.UUID campaign) {
        return "campaign " + campaign;
    }

    /** Outcomes a retry policy may retry; nexaflow's own outcomes of an attempt, not call statuses. */
    @Schema(name = "RetryOutcome")
    public enum RetryOn {
        FAILED, UNKNOWN, NO_ANSWER
    }
}
