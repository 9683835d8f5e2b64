package nl.schakel.delivery;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.message.Headers;
import nl.schakel.oso.OsoMapping;
import nl.schakel.model.acknowledgement.Acknowledgement;
import nl.schakel.model.dossier.TransferDossier;
import nl.schakel.model.followup.FollowUpReport;
import nl.schakel.model.receipt.Receipt;
import nl.schakel.validation.Json;
import nl.schakel.validation.SafeXml;
import nl.schakel.validation.Spool;
import nl.schakel.validation.Verdict;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;

import javax.xml.XMLConstants;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * Puts a message in the format its recipient takes, just before it goes onto the recipient's
 * queue: Schakel v1 as XML or JSON of the same model, or the national OSO dossier (docs/OSO-MAPPING.md).
 */
public final class Formats {
    private final Directory directory;
    private final JAXBContext models;
    private final ObjectWriter json;
    private final DomJson domJson;
    private final XMLInputFactory xmlInput;
    // an unmarshaller is cheap to keep and not thread-safe: one per thread
    private final ThreadLocal<Unmarshaller> unmarshallers;
    private final Spool spool;
    private final SAXParserFactory parsers;
    private final OsoMapping osoMapping = new OsoMapping();
    private final Clock clock;

    public Formats(Directory directory, int maxBytes, int maxDepth, Spool spool) {
        this(directory, maxBytes, maxDepth, spool, Clock.systemUTC());
    }

    public Formats(Directory directory, int maxBytes, int maxDepth, Spool spool, Clock clock) {
        this.directory = directory;
        this.clock = clock;
        this.spool = spool;
        this.parsers = SafeXml.saxParsers();
        try {
            this.models = JAXBContext.newInstance(TransferDossier.class, Receipt.class, Acknowledgement.class, FollowUpReport.class);
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
        com.fasterxml.jackson.databind.ObjectMapper mapper = Json.mapper(maxBytes, maxDepth);
        this.json = mapper.writer().with(SerializationFeature.WRAP_ROOT_VALUE);
        this.domJson = new DomJson(mapper);
        this.unmarshallers = ThreadLocal.withInitial(() -> {
            try {
                return models.createUnmarshaller();
            } catch (JAXBException e) {
                throw new IllegalStateException(e);
            }
        });
        this.xmlInput = XMLInputFactory.newFactory();
        xmlInput.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xmlInput.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        xmlInput.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    }

    /**
     * The recipient is the institution of the destination queue inbox.&lt;code&gt;. The document a
     * transfer forwards goes in the format the recipient takes: an OSO dossier as sent to an OSO
     * receiver and mapped to v1 for the others; a v1 dossier mapped to OSO for an OSO receiver. What
     * has no OSO form (acknowledgements, follow-ups, receipts) goes to an OSO receiver as v1 XML.
     */
    public void forRecipient(Exchange exchange) throws InvalidPayloadException, JAXBException, XMLStreamException, IOException {
        Message in = exchange.getIn();
        String destination = in.getHeader("CamelJmsDestinationName", String.class);
        String code = destination.substring(destination.indexOf('.') + 1);
        Institution recipient = directory.find(code).orElse(null);
        Institution.Format wanted = recipient == null ? Institution.Format.XML : recipient.format();
        Verdict verdict = exchange.getProperty(Headers.VERDICT, Verdict.class);
        boolean forwarded = verdict != null && verdict.type() != null && verdict.document() != null
                && (in.getBody() == verdict.xml() && verdict.xml() != null
                    || verdict.large() != null && in.getBody() instanceof File file && file.toPath().equals(verdict.large().file()));
        if (forwarded && !verdict.type().isV1()) {
            if (wanted == Institution.Format.OSO) {
                in.setHeader(Headers.FORMAT, "oso");
                return;
            }
            // a mapped dossier is small (OSO's attachments are not carried): JSON is made of its bytes below
            byte[] v1 = osoMapping.toV1(verdict.document(), verdict.field("messageId"), party(verdict.field("sender")),
                    party(code), OffsetDateTime.now(clock));
            in.setBody(v1);
            if (wanted == Institution.Format.JSON) {
                in.setBody(json.writeValueAsBytes(model(unmarshal(v1))));
                in.setHeader(Headers.FORMAT, "json");
            } else {
                in.setHeader(Headers.FORMAT, "xml");
            }
            return;
        }
        if (wanted == Institution.Format.OSO) {
            if (forwarded && "dossier".equals(verdict.type().messageType())) {
                in.setBody(osoMapping.toOso(verdict.document(), party(verdict.field("sender")), party(code), OffsetDateTime.now(clock)));
                in.setHeader(Headers.FORMAT, "oso");
            } else {
                in.setHeader(Headers.FORMAT, "xml");
            }
            return;
        }
        if (wanted == Institution.Format.JSON) {
            if (forwarded && verdict.large() != null) {
                // a large document: JSON of its small DOM, with the attachments streamed in from the file
                Path target = spool.newFile(".json");
                Spool.deleteWhenDone(exchange, target);
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 65536)) {
                    LargeJson.write(json.writeValueAsBytes(model(unmarshallers.get().unmarshal(verdict.document()))), verdict.large(), parsers, out);
                }
                in.setBody(target.toFile());
            } else {
                // the accepted document was parsed during validation: its DOM serves when it is this very body,
                // written as JSON straight from the DOM when the model allows (the same bytes, without JAXB)
                Class<?> modelClass = forwarded ? verdict.type().model() : null;
                if (modelClass != null && domJson.supports(modelClass)) {
                    in.setBody(domJson.write(verdict.document().getDocumentElement(), modelClass));
                } else {
                    Object model = forwarded ? unmarshallers.get().unmarshal(verdict.document()) : unmarshal(in.getMandatoryBody(byte[].class));
                    in.setBody(json.writeValueAsBytes(model(model)));
                }
            }
            in.setHeader(Headers.FORMAT, "json");
        } else {
            in.setHeader(Headers.FORMAT, "xml");
        }
    }

    private OsoMapping.Party party(String code) {
        return OsoMapping.Party.of(directory.find(code).orElseThrow(() -> new IllegalStateException("institution " + code + " is not in the directory")));
    }

    /**
     * A document the gateway delivered as XML, as JSON of the same model (the HTTP API's inbox, for a
     * client that asks for JSON). The XML was validated when it came in.
     */
    public byte[] toJson(byte[] xml) throws JAXBException, XMLStreamException, IOException {
        return json.writeValueAsBytes(model(unmarshal(xml)));
    }

    private static Object model(Object unmarshalled) {
        return unmarshalled instanceof JAXBElement<?> e ? e.getValue() : unmarshalled;
    }

    private Object unmarshal(byte[] xml) throws JAXBException, XMLStreamException {
        XMLStreamReader reader = xmlInput.createXMLStreamReader(new ByteArrayInputStream(xml));
        try {
            return unmarshallers.get().unmarshal(reader);
        } finally {
            reader.close();
        }
    }
}
