package io.nexaflow.journal;

import com.squareup.tape2.QueueFile;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The journal on disk: a tape2 {@link QueueFile} (synchronous writes, a header updated only after an element is
 * written, so a crash mid-append leaves the element out) whose elements are frames, one per group of records:
 * {@code crc32c:int | appendedAtMillis:long | count:int | (length:int | bytes)*}, the checksum covering all after
 * it. A frame whose checksum does not match is reported as {@link Frame#intact() not intact}, never decoded.
 * Bounded: an append that would take the used bytes past {@code maxBytes} is refused. Not thread-safe.
 */
public final class JournalFile implements Closeable {

    /** QueueFile's own header, and the length prefix it writes before each element. */
    static final int FILE_HEADER = 32;
    static final int ELEMENT_HEADER = 4;
    private static final int FRAME_HEADER = 4 + 8 + 4;

    /** One element read back: its records (empty when not intact), when it was appended, and its size on disk. */
    public record Frame(List<byte[]> records, long appendedAtMillis, boolean intact, int bytes) {
    }

    private final QueueFile queue;
    private final long maxBytes;
    private long usedBytes = FILE_HEADER;

    private JournalFile(QueueFile queue, long maxBytes) {
        this.queue = queue;
        this.maxBytes = maxBytes;
    }

    /** Opens (or creates) the journal file; the frames already there are counted towards {@code maxBytes}. */
    public static JournalFile open(File file, long maxBytes) throws IOException {
        JournalFile journal = new JournalFile(new QueueFile.Builder(file).zero(false).build(), maxBytes);
        for (byte[] element : journal.queue) {
            journal.usedBytes += ELEMENT_HEADER + element.length;
        }
        return journal;
    }

    /** Appends one frame holding {@code records}; false (nothing written) when it would not fit. */
    public boolean append(List<byte[]> records, long appendedAtMillis) throws IOException {
        int length = FRAME_HEADER;
        for (byte[] record : records) {
            length += 4 + record.length;
        }
        if (usedBytes + ELEMENT_HEADER + length > maxBytes) {
            return false;
        }
        ByteBuffer frame = ByteBuffer.allocate(length);
        frame.putInt(0).putLong(appendedAtMillis).putInt(records.size());
        for (byte[] record : records) {
            frame.putInt(record.length).put(record);
        }
        frame.putInt(0, checksum(frame.array()));
        queue.add(frame.array());
        usedBytes += ELEMENT_HEADER + length;
        return true;
    }

    /** The oldest frame, or empty when the journal is empty. */
    public Optional<Frame> head() throws IOException {
        byte[] element = queue.peek();
        return element == null ? Optional.empty() : Optional.of(decode(element));
    }

    /**
     * The oldest frames, in order, up to {@code maxRecords} records in all (at least one frame when there is one),
     * stopping before a frame that is not intact unless it is the first.
     */
    public List<Frame> heads(int maxRecords) {
        List<Frame> heads = new ArrayList<>();
        int records = 0;
        for (byte[] element : queue) {
            Frame frame = decode(element);
            if (!heads.isEmpty() && (!frame.intact() || records + frame.records().size() > maxRecords)) {
                break;
            }
            heads.add(frame);
            records += frame.records().size();
            if (!frame.intact()) {
                break;
            }
        }
        return heads;
    }

    /** Every frame, oldest first (read back at start). */
    public List<Frame> frames() {
        List<Frame> frames = new ArrayList<>(queue.size());
        for (byte[] element : queue) {
            frames.add(decode(element));
        }
        return frames;
    }

    /** Deletes the oldest frame (after its records were made durable elsewhere). */
    public void removeHead() throws IOException {
        byte[] element = queue.peek();
        if (element != null) {
            queue.remove();
            usedBytes -= ELEMENT_HEADER + element.length;
        }
        if (queue.isEmpty()) {
            usedBytes = FILE_HEADER;
        }
    }

    public int frameCount() {
        return queue.size();
    }

    /** Bytes the frames take (with the file's header), the figure bounded by {@code maxBytes}. */
    public long usedBytes() {
        return usedBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public void close() throws IOException {
        queue.close();
    }

    static Frame decode(byte[] element) {
        if (element.length < FRAME_HEADER || ByteBuffer.wrap(element).getInt() != checksum(element)) {
            return new Frame(List.of(), 0, false, ELEMENT_HEADER + element.length);
        }
        ByteBuffer frame = ByteBuffer.wrap(element, 4, element.length - 4);
        long at = frame.getLong();
        int count = frame.getInt();
        List<byte[]> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] record = new byte[frame.getInt()];
            frame.get(record);
            records.add(record);
        }
        return new Frame(records, at, true, ELEMENT_HEADER + element.length);
    }

    private static int checksum(byte[] frame) {
        CRC32C crc = new CRC32C();
        crc.update(frame, 4, frame.length - 4);
        return (int) crc.getValue();
    }
}
