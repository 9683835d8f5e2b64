package nl.schakel.delivery;

import nl.schakel.validation.LargeBody;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Iterator;

/**
 * JSON for a large document, written as a stream: the JSON of its DOM (where each large base64
 * element holds a token) with every token replaced by that element's content, read again from the
 * file and re-encoded as the JSON mapping writes base64 (no line breaks). The content is never in
 * memory whole.
 */
final class LargeJson {
    private LargeJson() {
    }

    static void write(byte[] jsonWithTokens, LargeBody large, SAXParserFactory parsers, OutputStream out) throws IOException {
        Splicer splicer = new Splicer(jsonWithTokens, large, out);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(large.file()), 65536)) {
            parsers.newSAXParser().parse(new InputSource(in), splicer);
        } catch (SAXException | ParserConfigurationException e) {
            // the file was validated before: this is the gateway's fault, not the sender's
            throw new IOException("a validated document could not be read again for its JSON", e);
        }
        splicer.finish();
    }

    private static final class Splicer extends DefaultHandler {
        private final byte[] json;
        private final OutputStream out;
        private final Iterator<LargeBody.Elision> elided;
        private LargeBody.Elision next;
        private int position;
        private int elements;
        private Base64Copy copying;

        Splicer(byte[] json, LargeBody large, OutputStream out) {
            this.json = json;
            this.out = out;
            this.elided = large.elided().iterator();
            this.next = elided.hasNext() ? elided.next() : null;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
            elements++;
            if (next != null && next.element() == elements) {
                byte[] token = next.token().getBytes(StandardCharsets.US_ASCII);
                int at = indexOf(json, token, position);
                if (at < 0) {
                    throw new SAXException("token of element " + elements + " not found in the JSON");
                }
                try {
                    out.write(json, position, at - position);
                } catch (IOException e) {
                    throw new SAXException(e);
                }
                position = at + token.length;
                copying = new Base64Copy(out);
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            if (copying != null) {
                try {
                    copying.add(ch, start, length);
                } catch (IOException e) {
                    throw new SAXException(e);
                }
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            if (copying != null) {
                try {
                    copying.finish();
                } catch (IOException e) {
                    throw new SAXException(e);
                }
                copying = null;
                next = elided.hasNext() ? elided.next() : null;
            }
        }

        void finish() throws IOException {
            if (next != null) {
                throw new IOException("element " + next.element() + " of the document was not found again");
            }
            out.write(json, position, json.length - position);
        }
    }

    /** Decodes base64 text as it comes (whitespace skipped) and writes it encoded again, in whole groups of four. */
    private static final class Base64Copy {
        private final OutputStream out;
        private final byte[] pending = new byte[48 * 1024];
        private int length;

        Base64Copy(OutputStream out) {
            this.out = out;
        }

        void add(char[] ch, int start, int count) throws IOException {
            for (int i = start; i < start + count; i++) {
                char c = ch[i];
                if (c > ' ') {
                    pending[length++] = (byte) c;
                    if (length == pending.length) {
                        flush(false);
                    }
                }
            }
        }

        void finish() throws IOException {
            flush(true);
        }

        private void flush(boolean last) throws IOException {
            int whole = last ? length : length - length % 4;
            if (whole == 0) {
                return;
            }
            byte[] group = java.util.Arrays.copyOf(pending, whole);
            out.write(Base64.getEncoder().encode(Base64.getDecoder().decode(group)));
            System.arraycopy(pending, whole, pending, 0, length - whole);
            length -= whole;
        }
    }

    private static int indexOf(byte[] data, byte[] target, int from) {
        outer:
        for (int i = from; i <= data.length - target.length; i++) {
            for (int j = 0; j < target.length; j++) {
                if (data[i + j] != target[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
