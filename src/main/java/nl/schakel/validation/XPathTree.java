package nl.schakel.validation;

import com.helger.schematron.pure.xpath.XPathConfigBuilder;
import net.sf.saxon.Configuration;
import net.sf.saxon.om.NodeInfo;
import net.sf.saxon.trans.XPathException;
import net.sf.saxon.xpath.XPathEvaluator;
import net.sf.saxon.xpath.XPathFactoryImpl;
import org.w3c.dom.Document;

import javax.xml.transform.dom.DOMSource;
import javax.xml.xpath.XPath;

/**
 * A validated document as one Saxon tree, built once from its DOM for the stages that evaluate
 * XPath: the business rules and the routing fields. XPath over Saxon's own tree is several times
 * faster than over a DOM, which Saxon wraps node by node and the JDK's XPath copies whole on every
 * evaluation. The tree is built with the Saxon configuration the Schematron engine compiles its
 * rules with, so the rules accept it.
 */
final class XPathTree {
    private static final Configuration CONFIG = configuration();

    private XPathTree() {
    }

    /** The document's tree: read-only, and not tied to the DOM after it is built. */
    static NodeInfo of(Document document) {
        try {
            return CONFIG.buildDocumentTree(new DOMSource(document)).getRootNode();
        } catch (XPathException e) {
            throw new IllegalStateException("a validated document could not be read as a tree", e);
        }
    }

    /** An XPath for the routing fields on such a tree, with XPath 1.0's rule that a string of several nodes is the first one's. */
    static XPath newXPath() {
        XPathEvaluator xpath = (XPathEvaluator) new XPathFactoryImpl(CONFIG).newXPath();
        xpath.getStaticContext().setBackwardsCompatibilityMode(true);
        return xpath;
    }

    private static Configuration configuration() {
        if (!(XPathConfigBuilder.XPATH_FACTORY_SAXON_FIRST instanceof XPathFactoryImpl saxon)) {
            throw new IllegalStateException("the Schematron engine does not use Saxon's XPath ("
                    + XPathConfigBuilder.XPATH_FACTORY_SAXON_FIRST.getClass().getName() + ")");
        }
        return saxon.getConfiguration();
    }
}
