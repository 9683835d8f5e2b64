package nl.schakel.validation;

import java.nio.file.Path;
import java.util.List;

/**
 * A body validated from a file instead of memory. Its DOM holds a token in place of each base64
 * element longer than {@link XmlReader#ELIDE_OVER_CHARS} characters; the content stays in the file.
 *
 * @param file    the bytes as received
 * @param elided  the elided elements, in document order
 */
public record LargeBody(Path file, List<Elision> elided) {

    /**
     * @param element the element's position among all elements in document order, counting from 1
     * @param token   what the DOM holds instead of its content: canonical base64, so it survives
     *                decoding and encoding unchanged
     */
    public record Elision(int element, String token) {
    }
}
