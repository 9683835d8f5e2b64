package nl.schakel.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import nl.schakel.directory.Directory;
import nl.schakel.directory.Institution;
import nl.schakel.intake.Headers;
import nl.schakel.ledger.Ledger;
import nl.schakel.ledger.Status;
import nl.schakel.model.acknowledgement.Acknowledgement;
import nl.schakel.model.dossier.TransferDossier;
import nl.schakel.model.followup.FollowUpReport;
import nl.schakel.model.receipt.Receipt;
import nl.schakel.validation.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Prepares a message from an institution's queue for its outbox folder: a file name from the
 * message's ids, and JSON instead of XML where the directory says the institution prefers it.
 */
public final class Outbox {
    private final Directory directory;
    private final Ledger ledger;
    private final JAXBContext models;
    private final ObjectMapper json;
    private final XMLInputFactory xmlInput;

    public Outbox(Directory directory, Ledger ledger, int maxBytes, int maxDepth) {
        this.directory = directory;
        this.ledger = ledger;
        try {
            this.models = JAXBContext.newInstance(TransferDossier.class, Receipt.class, Acknowledgement.class, FollowUpReport.class);
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
        this.json = Json.mapper(maxBytes, maxDepth);
        this.xmlInput = XMLInputFactory.newFactory();
        xmlInput.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xmlInput.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        xmlInput.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    }

    public void prepare(Exchange exchange, String code)
            throws IOException, JAXBException, XMLStreamException, org.apache.camel.InvalidPayloadException {
        Message in = exchange.getIn();
        Institution institution = directory.find(code)
                .orElseThrow(() -> new IllegalStateException("institution " + code + " is not in the directory"));
        String type = in.getHeader(Headers.TYPE, "message", String.class);
        String base = switch (type) {
            case "dossier" -> "dossier-" + in.getHeader(Headers.SENDER, String.class) + "-" + in.getHeader(Headers.MESSAGE_ID, String.class);
            case "receipt" -> "receipt-" + in.getHeader(Headers.REFERS_TO, "unidentified", String.class) + "-" + in.getHeader(Headers.RECEIPT_ID, String.class);
            default -> type + "-" + in.getHeader("JMSMessageID", String.class).replaceAll("[^A-Za-z0-9\\-]", "");
        };
        byte[] xml = in.getMandatoryBody(byte[].class);
        if (institution.format() == Institution.Format.JSON) {
            in.setBody(toJson(xml));
            in.setHeader(Exchange.FILE_NAME, base + ".json");
        } else {
            in.setBody(xml);
            in.setHeader(Exchange.FILE_NAME, base + ".xml");
        }
    }

    /** The file is in the outbox: the transfer's timeline says the receiver can pick it up. */
    public void written(Exchange exchange, String code) {
        Message in = exchange.getIn();
        String transferId = in.getHeader(Headers.TRANSFER_ID, String.class);
        if ("dossier".equals(in.getHeader(Headers.TYPE, String.class)) && transferId != null) {
            ledger.record(transferId, Status.PICKED_UP, "file outbox/" + code + "/" + in.getHeader(Exchange.FILE_NAME, String.class));
        }
    }

    private byte[] toJson(byte[] xml) throws JAXBException, XMLStreamException, IOException {
        XMLStreamReader reader = xmlInput.createXMLStreamReader(new ByteArrayInputStream(xml));
        try {
            Object model = models.createUnmarshaller().unmarshal(reader);
            return json.writer().with(SerializationFeature.WRAP_ROOT_VALUE).writeValueAsBytes(
                    model instanceof jakarta.xml.bind.JAXBElement<?> e ? e.getValue() : model);
        } finally {
            reader.close();
        }
    }
}
