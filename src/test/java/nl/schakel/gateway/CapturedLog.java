package nl.schakel.gateway;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.StringWriter;

/** Every log line (with any stack trace) written while it is open, as text. */
final class CapturedLog implements AutoCloseable {
    private final StringWriter captured = new StringWriter();
    private final WriterAppender appender;
    private final String name = "capture-" + System.identityHashCode(this);

    CapturedLog() {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        Configuration config = logs.getConfiguration();
        appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%c{1} %m %throwable%n").withConfiguration(config).build(),
                null, captured, name, false, true);
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, null, null);
        logs.updateLoggers();
    }

    String text() {
        synchronized (captured) {
            return captured.toString();
        }
    }

    @Override
    public void close() {
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        logs.getConfiguration().getRootLogger().removeAppender(name);
        logs.updateLoggers();
        appender.stop();
    }
}
