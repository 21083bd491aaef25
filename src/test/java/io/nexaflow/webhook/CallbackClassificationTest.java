package io.nexaflow.webhook;

import io.nexaflow.call.CallEvent;
import io.nexaflow.webhook.CallbackStore.Found;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Why a callback the batch did not record is answered as it is; the database's answer is replaced by a row. */
class CallbackClassificationTest {

    private static final UUID CALL = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final Instant AT = Instant.parse("2026-12-02T10:15:30Z");
    private static final CallbackWrite WRITE = new CallbackWrite(CALL, "c-1", "menu", 2, "7", "ch-3", null,
            "{\"type\":\"hangup\",\"data\":{}}", AT);

    private final List<EventWrite> events = new ArrayList<>();

    @Test
    void aSecondDeliveryRepeatsTheStoredVerbAndRecordsNothing() {
        CallbackWriteResult result = CallbackStore.classify(WRITE,
                new Found(true, "COMPLETED", "c-1", "{\"type\":\"play\"}"), events);

        assertThat(result).isEqualTo(new CallbackWriteResult.Duplicate("{\"type\":\"play\"}"));
        assertThat(events).isEmpty();
    }

    @Test
    void anUnknownCallIsRejectedAndAuditedWithoutACallRow() {
        CallbackWriteResult result = CallbackStore.classify(WRITE, new Found(false, null, null, null), events);

        assertThat(result).isEqualTo(new CallbackWriteResult.Rejected("unknown call"));
        assertThat(events).containsExactly(new EventWrite(null, CallEvent.Type.CALLBACK_REJECTED, "menu", 2, "7",
                "{\"reason\":\"unknown call\",\"callId\":\"c-1\",\"channelId\":\"ch-3\"}", AT));
    }

    @Test
    void anotherCallIdIsRejected() {
        CallbackWriteResult result = CallbackStore.classify(WRITE, new Found(true, "IN_PROGRESS", "c-2", null), events);

        assertThat(result).isEqualTo(new CallbackWriteResult.Rejected("callId c-1 is not the call's callId"));
        assertThat(events).containsExactly(new EventWrite(CALL, CallEvent.Type.CALLBACK_REJECTED, "menu", 2, "7",
                "{\"reason\":\"callId c-1 is not the call's callId\",\"callId\":\"c-1\",\"channelId\":\"ch-3\"}", AT));
    }

    @Test
    void anEndedCallIsRejectedWithItsStatus() {
        CallbackWriteResult result = CallbackStore.classify(WRITE, new Found(true, "FAILED", null, null), events);

        assertThat(result).isEqualTo(new CallbackWriteResult.Rejected("call is FAILED"));
        assertThat(events).containsExactly(new EventWrite(CALL, CallEvent.Type.CALLBACK_REJECTED, "menu", 2, "7",
                "{\"reason\":\"call is FAILED\",\"callId\":\"c-1\",\"channelId\":\"ch-3\"}", AT));
    }
}
