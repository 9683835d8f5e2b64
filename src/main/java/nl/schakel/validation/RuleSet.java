package nl.schakel.validation;

import com.helger.schematron.pure.SchematronResourcePure;
import com.helger.schematron.svrl.AbstractSVRLMessage;
import com.helger.schematron.svrl.SVRLHelper;
import com.helger.schematron.svrl.jaxb.SchematronOutputType;
import org.w3c.dom.Document;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * Business rules of a document type, as an ISO Schematron file beside its XSD.
 * Each failed assert becomes an error whose code is the assert's id.
 * A bound rule set is not safe for concurrent use, so each thread binds its own.
 */
public final class RuleSet {
    private final URL source;
    private final String documentTypeId;
    private final ThreadLocal<SchematronResourcePure> bound;

    private RuleSet(URL source, String documentTypeId) {
        this.source = source;
        this.documentTypeId = documentTypeId;
        this.bound = ThreadLocal.withInitial(this::bind);
    }

    static RuleSet compile(URL source, String documentTypeId) {
        RuleSet rules = new RuleSet(source, documentTypeId);
        rules.bound.get(); // fail at start-up, not on the first message
        return rules;
    }

    private SchematronResourcePure bind() {
        SchematronResourcePure resource = SchematronResourcePure.fromURL(source);
        if (!resource.isValidSchematron()) {
            throw new IllegalArgumentException("catalogue entry " + documentTypeId + ": rules " + source + " are not valid Schematron");
        }
        resource.getOrCreateBoundSchema();
        return resource;
    }

    List<ValidationError> check(Document document) {
        SchematronOutputType svrl;
        try {
            svrl = bound.get().applySchematronValidationToSVRL(document, source.toExternalForm());
        } catch (Exception e) {
            // a rule that cannot be evaluated is the gateway's fault; it must not pass silently
            throw new IllegalStateException("rules of " + documentTypeId + " could not be evaluated", e);
        }
        List<ValidationError> errors = new ArrayList<>();
        for (AbstractSVRLMessage m : SVRLHelper.getAllFailedAssertionsAndSuccessfulReports(svrl)) {
            String code = m.getID() == null ? "RULE-UNNAMED" : m.getID();
            errors.add(ValidationError.atPath(ValidationError.Stage.RULES, code, normalise(m.getText()), m.getLocation()));
        }
        return errors;
    }

    private static String normalise(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
