package nl.schakel.oso;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A thin StAX writer: start, leaf and end elements, indented, UTF-8. */
final class XmlOut {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final XMLStreamWriter w;
    private int depth;
    private boolean lastWasStart;

    XmlOut() {
        try {
            w = XMLOutputFactory.newFactory().createXMLStreamWriter(bytes, StandardCharsets.UTF_8.name());
            w.writeStartDocument(StandardCharsets.UTF_8.name(), "1.0");
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
    }

    /** Starts the root element, declaring {@code prefixes} (prefix, namespace pairs; "" for the default). */
    XmlOut root(String ns, String name, String... prefixes) {
        try {
            indent();
            for (int i = 0; i < prefixes.length; i += 2) {
                if (prefixes[i].isEmpty()) {
                    w.setDefaultNamespace(prefixes[i + 1]);
                } else {
                    w.setPrefix(prefixes[i], prefixes[i + 1]);
                }
            }
            w.writeStartElement(ns, name);
            for (int i = 0; i < prefixes.length; i += 2) {
                if (prefixes[i].isEmpty()) {
                    w.writeDefaultNamespace(prefixes[i + 1]);
                } else {
                    w.writeNamespace(prefixes[i], prefixes[i + 1]);
                }
            }
            depth++;
            lastWasStart = true;
            return this;
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
    }

    XmlOut attribute(String name, String value) {
        try {
            w.writeAttribute(name, value);
            return this;
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
    }

    XmlOut start(String ns, String name) {
        try {
            indent();
            w.writeStartElement(ns, name);
            depth++;
            lastWasStart = true;
            return this;
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
    }

    /** An element with text; nothing when {@code text} is null. */
    XmlOut leaf(String ns, String name, String text) {
        if (text == null) {
            return this;
        }
        try {
            indent();
            w.writeStartElement(ns, name);
            w.writeCharacters(text);
            w.writeEndElement();
            lastWasStart = false;
            return this;
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
    }

    XmlOut end() {
        try {
            depth--;
            if (!lastWasStart) {
                indent();
            }
            w.writeEndElement();
            lastWasStart = false;
            return this;
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
    }

    byte[] bytes() {
        try {
            w.writeEndDocument();
            w.close();
            return bytes.toByteArray();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML", e);
        }
    }

    private void indent() throws XMLStreamException {
        w.writeCharacters("\n" + "  ".repeat(depth));
    }
}
