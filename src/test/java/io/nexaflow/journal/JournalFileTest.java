package io.nexaflow.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JournalFileTest {

    @TempDir
    File dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(JournalFile.Frame frame) {
        return frame.records().stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void framesReadBackInOrderAndGoWhenRemoved() throws Exception {
        File file = new File(dir, "j");
        try (JournalFile journal = JournalFile.open(file, 1 << 20)) {
            assertThat(journal.append(List.of(bytes("a"), bytes("bb")), 1000)).isTrue();
            assertThat(journal.append(List.of(bytes("ccc")), 2000)).isTrue();
            assertThat(journal.frameCount()).isEqualTo(2);
            // header, then each element: length prefix + crc + time + count + (length + bytes) per record
            assertThat(journal.usedBytes()).isEqualTo(32 + (4 + 16 + 5 + 6) + (4 + 16 + 7));

            JournalFile.Frame head = journal.head().orElseThrow();
            assertThat(head.intact()).isTrue();
            assertThat(head.appendedAtMillis()).isEqualTo(1000);
            assertThat(strings(head)).containsExactly("a", "bb");

            journal.removeHead();
            assertThat(strings(journal.head().orElseThrow())).containsExactly("ccc");
            journal.removeHead();
            assertThat(journal.head()).isEmpty();
            assertThat(journal.usedBytes()).isEqualTo(32);
        }
    }

    @Test
    void headsTakeWholeFramesUpToARecordCount() throws Exception {
        try (JournalFile journal = JournalFile.open(new File(dir, "j"), 1 << 20)) {
            assertThat(journal.heads(10)).isEmpty();
            journal.append(List.of(bytes("a"), bytes("b")), 1);
            journal.append(List.of(bytes("c")), 2);
            journal.append(List.of(bytes("d"), bytes("e")), 3);
            assertThat(journal.heads(3)).extracting(JournalFileTest::strings)
                    .containsExactly(List.of("a", "b"), List.of("c"));
            assertThat(journal.heads(5)).hasSize(3);
            // A frame larger than the count still comes alone: the drain always makes progress.
            assertThat(journal.heads(1)).extracting(JournalFileTest::strings).containsExactly(List.of("a", "b"));
            assertThat(journal.frameCount()).as("heads only reads").isEqualTo(3);
        }
    }

    @Test
    void whatWasAppendedIsThereAfterReopening() throws Exception {
        File file = new File(dir, "j");
        try (JournalFile journal = JournalFile.open(file, 1 << 20)) {
            journal.append(List.of(bytes("one")), 1);
            journal.append(List.of(bytes("two"), bytes("three")), 2);
            journal.removeHead();
        }
        try (JournalFile journal = JournalFile.open(file, 1 << 20)) {
            assertThat(journal.frames()).singleElement().satisfies(frame -> {
                assertThat(frame.intact()).isTrue();
                assertThat(strings(frame)).containsExactly("two", "three");
            });
            assertThat(journal.usedBytes()).isEqualTo(32 + 4 + 16 + 7 + 9);
        }
    }

    @Test
    void aFlippedByteFailsTheChecksumAndIsNeverDecoded() throws Exception {
        File file = new File(dir, "j");
        try (JournalFile journal = JournalFile.open(file, 1 << 20)) {
            journal.append(List.of(bytes("first")), 1);
            journal.append(List.of(bytes("second")), 2);
        }
        try (RandomAccessFile raw = new RandomAccessFile(file, "rw")) {
            // first element: length prefix at 32, frame from 36 (crc 4, time 8, count 4, length 4): "first" at 56
            raw.seek(56);
            raw.write('F');
        }
        try (JournalFile journal = JournalFile.open(file, 1 << 20)) {
            List<JournalFile.Frame> frames = journal.frames();
            assertThat(frames).hasSize(2);
            assertThat(frames.get(0).intact()).isFalse();
            assertThat(frames.get(0).records()).isEmpty();
            assertThat(strings(frames.get(1))).containsExactly("second");
        }
    }

    @Test
    void aTornTailIsDetectedAndTheFramesBeforeItSurvive() throws Exception {
        File file = new File(dir, "j");
        long tail;
        try (JournalFile journal = JournalFile.open(file, 1 << 20)) {
            journal.append(List.of(bytes("kept")), 1);
            tail = journal.usedBytes();
            journal.append(List.of(bytes("torn-record")), 2);
        }
        try (RandomAccessFile raw = new RandomAccessFile(file, "rw")) {
            // The header already counts the last element, but its bytes stopped half-way (zeros, as on a fresh block).
            raw.seek(tail + 4 + 16 + 5);
            raw.write(new byte[6]);
        }
        try (JournalFile journal = JournalFile.open(file, 1 << 20)) {
            List<JournalFile.Frame> frames = journal.frames();
            assertThat(strings(frames.get(0))).containsExactly("kept");
            assertThat(frames.get(1).intact()).isFalse();
            journal.removeHead();
            journal.removeHead();
            assertThat(journal.frameCount()).isZero();
        }
    }

    @Test
    void aFullJournalRefusesWithoutWritingAndTakesAgainOnceDrained() throws Exception {
        File file = new File(dir, "j");
        long max = 32 + 2 * (4 + 16 + 4 + 10);
        try (JournalFile journal = JournalFile.open(file, max)) {
            byte[] ten = new byte[10];
            assertThat(journal.append(List.of(ten), 1)).isTrue();
            assertThat(journal.append(List.of(ten), 2)).isTrue();
            assertThat(journal.append(List.of(new byte[1]), 3)).isFalse();
            assertThat(journal.frameCount()).isEqualTo(2);
            assertThat(journal.usedBytes()).isEqualTo(max);
            journal.removeHead();
            assertThat(journal.append(List.of(ten), 4)).isTrue();
        }
    }
}
