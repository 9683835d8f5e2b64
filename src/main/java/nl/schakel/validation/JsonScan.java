package nl.schakel.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonLocation;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static nl.schakel.validation.ValidationError.Stage.PARSE;

/**
 * A first pass over a JSON message, before it is mapped to the model: every property name once per
 * object (the mapping would let the last of two win silently), no string with a character XML 1.0
 * forbids (the message goes on as XML), and the message id picked up on the way, so a receipt can
 * name it even when the message is rejected further on. Errors name the JSON path, never a value.
 */
final class JsonScan {
    /** More errors of one kind than this are not listed: the receipt stays readable. */
    static final int MAX_ERRORS = 20;

    private final List<ValidationError> errors = new ArrayList<>();
    private String messageId;

    /** What the scan found: errors (empty when the message may be mapped) and the message id, if one was read. */
    List<ValidationError> errors() {
        return errors;
    }

    String messageId() {
        return messageId;
    }

    /** A level of nesting: an object with the names seen in it, or an array with the index of its next element. */
    private static final class Level {
        final Set<String> names;
        int index;
        String segment;

        Level(boolean object) {
            this.names = object ? new HashSet<>() : null;
        }
    }

    /**
     * Reads the whole message. {@code messageIdPath} gives, for the root property, the property names
     * leading to its message id (empty when there is none); a parse error is thrown as Jackson's, with
     * what was read so far kept in this scan.
     */
    void run(JsonParser parser, Function<String, List<String>> messageIdPath) throws IOException {
        Deque<Level> levels = new ArrayDeque<>();
        List<String> idPath = List.of();
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
            Level level = levels.peekLast();
            if (level != null && level.names == null && token != JsonToken.END_ARRAY) {
                level.segment = String.valueOf(level.index++);
            }
            switch (token) {
                case START_OBJECT -> levels.addLast(new Level(true));
                case START_ARRAY -> levels.addLast(new Level(false));
                case END_OBJECT, END_ARRAY -> levels.removeLast();
                case FIELD_NAME -> {
                    String name = parser.currentName();
                    level.segment = JsonReader.safeName(name);
                    if (levels.size() == 1 && level.names.isEmpty()) {
                        idPath = messageIdPath.apply(name);
                    }
                    if (!level.names.add(name)) {
                        add(new ValidationError(PARSE, "JSON-DUPLICATE-KEY",
                                "A property appears twice in the same object; which of its values counts would be ambiguous.",
                                line(parser), column(parser), path(levels)));
                    }
                    checkCharacters(parser, levels);
                }
                case VALUE_STRING -> {
                    checkCharacters(parser, levels);
                    if (messageId == null && atPath(levels, idPath) && parser.getTextLength() <= RoutingFields.MAX_ID_LENGTH + 1) {
                        messageId = parser.getText();
                    }
                }
                default -> {
                    // numbers, booleans and null hold no characters
                }
            }
        }
    }

    private void checkCharacters(JsonParser parser, Deque<Level> levels) throws IOException {
        if (XmlReader.firstForbidden(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength()) >= 0) {
            add(new ValidationError(PARSE, "JSON-FORBIDDEN-CHARACTER",
                    "A string holds a character XML 1.0 does not allow (a control character other than tab, CR and LF, "
                            + "U+FFFE, U+FFFF or an unpaired surrogate); the message cannot be forwarded as XML.",
                    line(parser), column(parser), path(levels)));
        }
    }

    private void add(ValidationError error) {
        if (errors.stream().filter(e -> e.code().equals(error.code())).count() < MAX_ERRORS) {
            errors.add(error);
        }
    }

    /** Whether the current value is the message id: under the root property, along {@code idPath}, outside arrays. */
    private static boolean atPath(Deque<Level> levels, List<String> idPath) {
        if (idPath.isEmpty() || levels.size() != idPath.size()) {
            return false;
        }
        int i = 0;
        for (Level level : levels) {
            if (level.names == null || !idPath.get(i++).equals(level.segment)) {
                return false;
            }
        }
        return true;
    }

    /** The path inside the document, as the mapping's errors give it: without the root property. */
    private static String path(Deque<Level> levels) {
        StringBuilder path = new StringBuilder();
        boolean root = true;
        for (Level level : levels) {
            if (root) {
                root = false;
                continue;
            }
            path.append('/').append(level.segment);
        }
        return path.length() == 0 ? null : path.toString();
    }

    private static Integer line(JsonParser parser) {
        JsonLocation at = parser.currentTokenLocation();
        return at == null || at.getLineNr() < 1 ? null : at.getLineNr();
    }

    private static Integer column(JsonParser parser) {
        JsonLocation at = parser.currentTokenLocation();
        return at == null || at.getColumnNr() < 1 ? null : at.getColumnNr();
    }
}
