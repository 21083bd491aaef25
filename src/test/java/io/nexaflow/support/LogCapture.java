package io.nexaflow.support;

import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record of the running application, handed to a consumer on the thread that logs it (so its MDC is
 * still there), from install until close: {@code try (LogCapture logs = LogCapture.of(lines::add)) { ... }}.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Consumer<LogRecord> sink;

    private LogCapture(Consumer<LogRecord> sink) {
        this.sink = sink;
    }

    public static LogCapture of(Consumer<LogRecord> sink) {
        LogCapture capture = new LogCapture(sink);
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        sink.accept(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
