package nl.schakel.oso;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;

/** Small helpers to read a namespace-aware DOM by local names in one namespace. */
final class Dom {
    private Dom() {
    }

    static List<Element> children(Element parent, String ns, String localName) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && (localName == null || localName.equals(e.getLocalName()))) {
                found.add(e);
            }
        }
        return found;
    }

    static List<Element> children(Element parent, String ns) {
        return children(parent, ns, null);
    }

    static Element child(Element parent, String ns, String localName) {
        List<Element> found = children(parent, ns, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The trimmed text of the first such child, or null when it is absent or empty. */
    static String text(Element parent, String ns, String localName) {
        Element e = child(parent, ns, localName);
        return text(e);
    }

    static String text(Element e) {
        if (e == null) {
            return null;
        }
        String t = e.getTextContent().trim();
        return t.isEmpty() ? null : t;
    }
}
