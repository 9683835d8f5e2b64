package nl.schakel.oso;

import nl.schakel.model.dossier.TransitionKind;
import nl.schakel.oso.OsoMapping.Party;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static nl.schakel.oso.Dom.child;
import static nl.schakel.oso.Dom.children;
import static nl.schakel.oso.Dom.text;

/** One mapping of an OSO 2019.1 dossier to a v1 transfer dossier; see docs/OSO-MAPPING.md. Not shared between threads. */
final class OsoToV1 {
    static final String D = "urn:schakel:transfer-dossier:1";
    static final String C = "urn:schakel:common:1";
    static final String LL = "urn:schakel:learning-lines:1";
    static final String SN = "urn:schakel:support-needs:1";
    private static final String O = OsoMapping.OSO_2019_NAMESPACE;

    static final Pattern INSTITUTION_CODE = Pattern.compile("[0-9]{2}[A-Z]{2}[0-9]{2}");
    static final Pattern GROUP_CODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9\\-]{0,19}");
    static final Pattern PGN = Pattern.compile("[0-9]{9}");
    static final Pattern SCHOOL_YEAR = Pattern.compile("[0-9]{4}-[0-9]{4}");
    static final Pattern YEAR_GROUP = Pattern.compile("[A-Z0-9]{1,2}");
    static final Pattern TEST_KIND = Pattern.compile("[A-Z0-9][A-Z0-9\\-]{0,19}");
    /** v1 assessment instrument of an OSO end test: this prefix and the OSO toetssoort (codelijst 42). */
    static final String END_TEST_INSTRUMENT = "EINDTOETS-";
    /** OSO onderdeelcode (codelijst 46) of the end test's parts with reference levels. */
    static final String PART_DUTCH = "8000";
    static final String PART_ARITHMETIC = "8001";

    private static final String LEERLING = "huidigeschool/leerling";
    private static final String OO = LEERLING + "/onderwijsondersteuning";
    private static final int MAX_NEEDS = 30;
    private static final int MAX_PERIODS = 50;

    /** Children of leerling the mapping reads. */
    private static final Set<String> MAPPED_LEERLING = Set.of("voornaam", "voorvoegsel", "achternaam", "geboortedatum", "bsn",
            "onderwijsnummer", "schoolloopbaanlijst", "onderwijsondersteuning", "eindtoets_basisonderwijs");
    /** Children of leerling Schakel leaves out on purpose: the exchange does not need them. */
    private static final Set<String> NOT_NEEDED_LEERLING = Set.of("voorletters-1", "roepnaam", "geslacht", "adresgeheim",
            "adreslijst", "postcode4adres", "communicatielijst", "gba", "adresbuitenland", "geboorteplaats", "nationaliteit",
            "leerlingid", "leerlinggewicht", "nnca", "tehuis", "huisarts", "verzorger", "verzorgersaansprakelijk",
            "aansprakelijkeinstelling");
    private static final Set<String> NOT_NEEDED_SCHOOL = Set.of("adreslijst", "communicatielijst", "naamdirecteur", "website");
    /** Children of huidigeschool that the sender party stands for. */
    private static final Set<String> SCHOOL_AS_SENDER = Set.of("naam", "brincode", "vestigingscode", "leerling");

    private final Document oso;
    private final String messageId;
    private final Party sender;
    private final Party receiver;
    private final OffsetDateTime mappedAt;
    private final LocalDate mappedOn;
    private final Map<OsoCategory, String> notDelivered = new EnumMap<>(OsoCategory.class);
    private final Map<String, String> notCarried = new LinkedHashMap<>();
    /** Whether inzage/toestemming and inzagedatum became a sharing basis (and so are carried). */
    private boolean usedConsent;

    OsoToV1(Document oso, String messageId, Party sender, Party receiver, OffsetDateTime mappedAt) {
        this.oso = oso;
        this.messageId = messageId;
        this.sender = sender;
        this.receiver = receiver;
        this.mappedAt = mappedAt;
        this.mappedOn = mappedAt.toLocalDate();
    }

    byte[] map() {
        Element source = oso.getDocumentElement();
        if (source == null || !O.equals(source.getNamespaceURI()) || !"dossier".equals(source.getLocalName())) {
            throw new OsoMappingException("the document is not a namespace-aware OSO 2019 dossier (root dossier in " + O + ")");
        }
        readDeliveryStatus(source);
        if (notDelivered.containsKey(OsoCategory.LEERLING)) {
            throw new OsoMappingException("metadata/categorie_uitlevering/cat_leerling is not delivered; a v1 dossier needs the pupil's name and birth date");
        }
        Element dossier = prunedCopy(source);
        Element school = child(dossier, O, "huidigeschool");
        Element pupil = child(school, O, "leerling");
        if (pupil == null) {
            throw new OsoMappingException("huidigeschool/leerling is absent");
        }

        XmlOut out = new XmlOut();
        out.root(D, "transferDossier", "", D, "c", C, "ll", LL, "sn", SN).attribute("schemaVersion", "1.1");
        out.leaf(D, "messageId", messageId);
        out.leaf(D, "created", nl.schakel.model.XmlTimes.printDateTime(mappedAt));
        party(out, "sender", sender);
        party(out, "receiver", receiver);
        String kind = transitionKind();
        if (kind != null) {
            out.start(D, "transition").leaf(D, "kind", kind).end();
        }
        LocalDate birthDate = pupil(out, pupil);
        placement(out, school, pupil);
        schoolHistory(out, pupil);
        learningLines(out, pupil);
        supportNeeds(out, dossier, pupil, birthDate);
        notCarriedRest(dossier, school, pupil);
        derivedFrom(out);
        out.end();
        return out.bytes();
    }

    private void readDeliveryStatus(Element dossier) {
        Element statuses = child(child(dossier, O, "metadata"), O, "categorie_uitlevering");
        if (statuses == null) {
            return; // no selective delivery: every category as delivered
        }
        for (OsoCategory category : OsoCategory.values()) {
            String status = text(statuses, O, category.statusElement());
            if (status == null) {
                continue;
            }
            switch (status) {
                case "OPT-UIT" -> notDelivered.put(category, "OPT_OUT");
                case "VERBODEN" -> notDelivered.put(category, "FORBIDDEN");
                case "VERPLICHT", "OPTIONEEL" -> { }
                default -> throw new OsoMappingException("metadata/categorie_uitlevering/" + category.statusElement()
                        + " has a status outside codelijst 48 (VERPLICHT, OPTIONEEL, OPT-UIT, VERBODEN)");
            }
        }
    }

    /** A copy of the dossier without the elements of categories that were not delivered. */
    private Element prunedCopy(Element source) {
        Document copy;
        try {
            copy = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no DOM implementation", e);
        }
        Element dossier = (Element) copy.importNode(source, true);
        copy.appendChild(dossier);
        if (excluded(OsoCategory.OUDERINZAGE)) {
            children(dossier, O, "inzage").forEach(dossier::removeChild);
        }
        Element school = child(dossier, O, "huidigeschool");
        if (school != null && excluded(OsoCategory.SCHOOL)) {
            for (Element e : children(school, O)) {
                if (!"leerling".equals(e.getLocalName())) {
                    school.removeChild(e);
                }
            }
        }
        Element pupil = child(school, O, "leerling");
        for (Element e : children(pupil, O)) {
            if (excluded(OsoCategory.ofLeerlingChild(e.getLocalName()))) {
                pupil.removeChild(e);
            }
        }
        if (excluded(OsoCategory.HANDELINGSPLANNEN)) {
            Element support = child(pupil, O, "onderwijsondersteuning");
            for (Element plan : children(support, O, "handelingsplan")) {
                support.removeChild(plan);
            }
        }
        if (excluded(OsoCategory.BIJLAGEDOCS)) {
            for (String name : OsoCategory.ATTACHMENT_ELEMENTS) {
                NodeList found = dossier.getElementsByTagNameNS(O, name);
                List<Node> snapshot = new ArrayList<>();
                for (int i = 0; i < found.getLength(); i++) {
                    snapshot.add(found.item(i));
                }
                for (Node n : snapshot) {
                    if (n.getParentNode() != null) {
                        n.getParentNode().removeChild(n);
                    }
                }
            }
        }
        return dossier;
    }

    private boolean excluded(OsoCategory category) {
        return notDelivered.containsKey(category);
    }

    private void party(XmlOut out, String role, Party party) {
        out.start(D, role).leaf(C, "code", party.code()).leaf(C, "kind", party.kind()).leaf(C, "name", party.name()).end();
    }

    private String transitionKind() {
        String kind = sender.kind() + "_TO_" + receiver.kind();
        try {
            return TransitionKind.fromValue(kind).value();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private LocalDate pupil(XmlOut out, Element pupil) {
        List<String> givenNames = children(pupil, O, "voornaam").stream().map(Dom::text).filter(t -> t != null).toList();
        if (givenNames.isEmpty()) {
            throw new OsoMappingException(LEERLING + "/voornaam is absent; a v1 dossier needs pupil/givenNames");
        }
        String given = String.join(" ", givenNames);
        String family = text(pupil, O, "achternaam");
        if (family == null) {
            throw new OsoMappingException(LEERLING + "/achternaam is absent; a v1 dossier needs pupil/familyName");
        }
        if (given.length() > 200 || family.length() > 200) {
            throw new OsoMappingException(LEERLING + "/voornaam or achternaam is longer than v1 allows (200 characters)");
        }
        String birth = text(pupil, O, "geboortedatum");
        if (birth == null) {
            throw new OsoMappingException(LEERLING + "/geboortedatum is absent (geboortemaand is not enough); a v1 dossier needs pupil/birthDate");
        }
        LocalDate birthDate = date(birth, LEERLING + "/geboortedatum");
        String prefix = text(pupil, O, "voorvoegsel");
        if (prefix != null && prefix.length() > 200) {
            notCarried(LEERLING + "/voorvoegsel", "NOT_REPRESENTABLE");
            prefix = null;
        }
        out.start(D, "pupil");
        out.leaf(D, "givenNames", given);
        out.leaf(D, "familyNamePrefix", prefix);
        out.leaf(D, "familyName", family);
        out.leaf(D, "birthDate", birthDate.toString());
        for (String number : new String[] {"bsn", "onderwijsnummer"}) {
            String pgn = text(pupil, O, number);
            if (pgn != null && PGN.matcher(pgn).matches()) {
                out.leaf(D, "pgn", pgn);
            } else if (pgn != null) {
                notCarried(LEERLING + "/" + number, "NOT_REPRESENTABLE");
            }
        }
        out.end();
        return birthDate;
    }

    /** Sender kind, the group of the latest school year at the current school, and startdatumhuidigonderwijs. */
    private void placement(XmlOut out, Element school, Element pupil) {
        String since = text(pupil, O, "startdatumhuidigonderwijs");
        Element latest = null;
        for (Element period : children(child(pupil, O, "schoolloopbaanlijst"), O, "schoolloopbaan")) {
            String year = text(period, O, "schooljaar");
            if (year != null && (latest == null || year.compareTo(text(latest, O, "schooljaar")) >= 0)) {
                latest = period;
            }
        }
        String schoolCode = school == null ? null : text(school, O, "brincode") + text(school, O, "vestigingscode");
        boolean atThisSchool = latest != null && schoolCode != null
                && schoolCode.equals(text(latest, O, "brincode") + text(latest, O, "vestigingscode"));
        String group = atThisSchool ? text(latest, O, "groepscode") : null;
        if (since != null && group != null && GROUP_CODE.matcher(group).matches()) {
            out.start(D, "currentPlacement")
                    .leaf(C, "institutionKind", sender.kind())
                    .leaf(C, "group", group)
                    .leaf(C, "since", date(since, LEERLING + "/startdatumhuidigonderwijs").toString())
                    .end();
        } else if (since != null) {
            // v1's placement needs a group: without a current group that v1 can hold, the date has nowhere to go
            notCarried(LEERLING + "/startdatumhuidigonderwijs", "NOT_REPRESENTABLE");
        }
    }

    private void schoolHistory(XmlOut out, Element pupil) {
        String path = LEERLING + "/schoolloopbaanlijst/schoolloopbaan";
        List<Element> periods = children(child(pupil, O, "schoolloopbaanlijst"), O, "schoolloopbaan");
        boolean started = false;
        int written = 0;
        for (Element period : periods) {
            String year = text(period, O, "schooljaar");
            if (year == null || !SCHOOL_YEAR.matcher(year).matches() || written == MAX_PERIODS) {
                notCarried(path, "NOT_REPRESENTABLE");
                continue;
            }
            if (!started) {
                out.start(D, "schoolHistory");
                started = true;
            }
            out.start(D, "period");
            out.leaf(D, "schoolYear", year);
            String code = text(period, O, "brincode") + text(period, O, "vestigingscode");
            if (INSTITUTION_CODE.matcher(code).matches()) {
                out.leaf(D, "institution", code);
            } else {
                notCarried(path + "/brincode", "NOT_REPRESENTABLE");
            }
            String group = text(period, O, "groepscode");
            if (group != null && group.length() <= 40) {
                out.leaf(D, "group", group);
            } else if (group != null) {
                notCarried(path + "/groepscode", "NOT_REPRESENTABLE");
            }
            String yearGroup = text(period, O, "jaargroep");
            if (yearGroup != null && YEAR_GROUP.matcher(yearGroup).matches()) {
                out.leaf(D, "yearGroup", yearGroup);
            } else if (yearGroup != null) {
                notCarried(path + "/jaargroep", "NOT_REPRESENTABLE");
            }
            String from = text(period, O, "begindatum");
            String to = text(period, O, "einddatum");
            out.leaf(D, "from", from == null ? null : date(from, path + "/begindatum").toString());
            out.leaf(D, "to", to == null ? null : date(to, path + "/einddatum").toString());
            out.end();
            written++;
            for (Element other : children(period, O)) {
                if (!Set.of("schooljaar", "groepscode", "jaargroep", "begindatum", "einddatum", "brincode", "vestigingscode")
                        .contains(other.getLocalName())) {
                    notCarried(path + "/" + other.getLocalName(), "NO_V1_ELEMENT");
                }
            }
        }
        if (started) {
            out.end();
        }
    }

    /** The end test's reference levels for Dutch (8000) and arithmetic (8001), with the test as assessment. */
    private void learningLines(XmlOut out, Element pupil) {
        out.start(D, "learningLines");
        Element endTest = child(pupil, O, "eindtoets_basisonderwijs");
        Element result = child(endTest, O, "eindtoetsresultaat");
        String path = LEERLING + "/eindtoets_basisonderwijs/eindtoetsresultaat";
        if (result != null) {
            String testKind = text(result, O, "toetssoort");
            String takenOn = text(result, O, "datum_afname");
            LocalDate taken = takenOn == null ? null : date(takenOn, path + "/datum_afname");
            boolean assessable = testKind != null && TEST_KIND.matcher(testKind).matches() && taken != null && !taken.isAfter(mappedOn);
            if (!assessable) {
                notCarried(path + "/toetssoort", "NOT_REPRESENTABLE");
            }
            String dutch = null;
            String arithmetic = null;
            for (Element part : children(child(result, O, "onderdelen"), O, "onderdeel")) {
                String code = text(part, O, "onderdeelcode");
                String level = referenceLevel(text(part, O, "ond_referentieniveau"));
                String partPath = path + "/onderdelen/onderdeel";
                if (child(part, O, "domeinen") != null) {
                    notCarried(partPath + "/domeinen", "NO_V1_ELEMENT");
                }
                if (text(part, O, "ond_referentieniveau") == null) {
                    continue;
                }
                if (PART_DUTCH.equals(code) && level != null && !"1S".equals(level)) {
                    dutch = level;
                } else if (PART_ARITHMETIC.equals(code) && level != null) {
                    arithmetic = level;
                } else {
                    notCarried(partPath + "/ond_referentieniveau", "NOT_REPRESENTABLE");
                }
            }
            referenceLevel(out, "dutchLanguage", dutch, assessable ? testKind : null, taken);
            referenceLevel(out, "arithmetic", arithmetic, assessable ? testKind : null, taken);
            for (Element other : children(result, O)) {
                if (!Set.of("toetssoort", "datum_afname", "onderdelen").contains(other.getLocalName())) {
                    notCarried(path + "/" + other.getLocalName(), "NO_V1_ELEMENT");
                }
            }
        }
        for (Element other : children(endTest, O)) {
            if (!Set.of("eindtoetsresultaat", "deelgenomen").contains(other.getLocalName())) {
                notCarried(LEERLING + "/eindtoets_basisonderwijs/" + other.getLocalName(), "NO_V1_ELEMENT");
            }
        }
        out.end();
    }

    /** OSO codelijst 45 (01 to 04) or the level written out, as a v1 reference level code; null when unknown. */
    static String referenceLevel(String oso) {
        if (oso == null) {
            return null;
        }
        return switch (oso.trim().toUpperCase(Locale.ROOT)) {
            case "01", "<1F", "LAGER DAN 1F" -> "BELOW_1F";
            case "02", "1F" -> "1F";
            case "03", "1S" -> "1S";
            case "04", "2F" -> "2F";
            default -> null;
        };
    }

    private static void referenceLevel(XmlOut out, String element, String level, String testKind, LocalDate taken) {
        if (level == null) {
            return;
        }
        out.start(LL, element).leaf(LL, "level", level);
        if (testKind != null) {
            out.start(LL, "assessment").leaf(LL, "instrument", END_TEST_INSTRUMENT + testKind).leaf(LL, "assessedOn", taken.toString()).end();
        }
        out.end();
    }

    private record Need(String category, String description, String intensity, boolean sensitive, String path) {
    }

    private record Basis(String givenBy, LocalDate date) {
    }

    private void supportNeeds(XmlOut out, Element dossier, Element pupil, LocalDate birthDate) {
        Element support = child(pupil, O, "onderwijsondersteuning");
        List<Need> needs = new ArrayList<>();
        for (Element e : children(support, O)) {
            String name = e.getLocalName();
            String path = OO + "/" + name;
            switch (name) {
                case "diagnose" -> {
                    List<String> codes = children(e, O, "code").stream().map(Dom::text).filter(t -> t != null).toList();
                    boolean psychological = codes.stream().anyMatch(c -> c.toUpperCase(Locale.ROOT).startsWith("F"));
                    StringBuilder d = new StringBuilder("Diagnose (OSO codelijst 23) ").append(String.join(", ", codes));
                    append(d, ": ", text(e, O, "naam"));
                    append(d, "; onderzoeksdatum ", text(e, O, "datum"));
                    needs.add(new Need(psychological ? "PSYCHOLOGICAL" : "MEDICAL", d.toString(), "BASIC", true, path));
                    for (String left : new String[] {"doorwie", "instantie"}) {
                        if (child(e, O, left) != null) {
                            notCarried(path + "/" + left, "NOT_NEEDED");
                        }
                    }
                    if (child(e, O, "document") != null) {
                        notCarried(path + "/document", "NO_V1_ELEMENT");
                    }
                }
                case "medicijngebruik" -> {
                    if ("true".equals(text(e)) || "1".equals(text(e))) {
                        needs.add(new Need("MEDICAL", "Medicijngebruik dat relevant is voor het leren (OSO medicijngebruik).", "BASIC", true, path));
                    } else {
                        notCarried(path, "NO_V1_ELEMENT");
                    }
                }
                case "handelingsplan" -> {
                    StringBuilder d = new StringBuilder("Handelingsplan");
                    append(d, " gericht op ", text(e, O, "isgerichtop"));
                    append(d, ", vanaf ", text(e, O, "startdatum"));
                    append(d, " tot ", text(e, O, "einddatum"));
                    needs.add(new Need("LEARNING", d.append('.').toString(), "BASIC", false, path));
                    documentNotCarried(e, path);
                }
                case "opp" -> {
                    StringBuilder d = new StringBuilder("Ontwikkelingsperspectief (OPP)");
                    append(d, " vanaf ", text(e, O, "opp_ingangdatum"));
                    append(d, " tot ", text(e, O, "opp_einddatum"));
                    needs.add(new Need("LEARNING", d.append('.').toString(), "EXTRA", false, path));
                    documentNotCarried(e, path);
                }
                case "tlv" -> {
                    StringBuilder d = new StringBuilder("Toelaatbaarheidsverklaring (TLV)");
                    append(d, " van samenwerkingsverband ", text(e, O, "tlvswvnummer"));
                    append(d, ", bekostigingscategorie ", text(e, O, "tlvcategorie"));
                    append(d, ", geldig vanaf ", text(e, O, "tlvingangdatum"));
                    append(d, " tot en met ", text(e, O, "tlveinddatum"));
                    needs.add(new Need("LEARNING", d.append('.').toString(), "EXTRA", false, path));
                    if (child(e, O, "tlvbeschikkingsnummer") != null) {
                        notCarried(path + "/tlvbeschikkingsnummer", "NOT_NEEDED");
                    }
                    documentNotCarried(e, path);
                }
                case "arrangement_cluster12" -> {
                    // cluster 1 and 2: visual, auditory or communicative impairments; health data, so sensitive
                    StringBuilder d = new StringBuilder("Arrangement cluster 1/2 (onderwijs bij een visuele, auditieve of communicatieve beperking)");
                    append(d, " vanaf ", text(e, O, "arrangement_datum"));
                    needs.add(new Need("MEDICAL", d.append('.').toString(), "EXTRA", true, path));
                    for (String left : new String[] {"arrangement_brin", "arrangement_vestigingscode"}) {
                        if (child(e, O, left) != null) {
                            notCarried(path + "/" + left, "NO_V1_ELEMENT");
                        }
                    }
                }
                case "arrangement_pao" -> {
                    StringBuilder d = new StringBuilder("Arrangement passend onderwijs");
                    append(d, ": ", text(e, O, "arrangement_kenmerk"));
                    append(d, "; vanaf ", text(e, O, "arrangement_datum"));
                    append(d, " tot ", text(e, O, "arrangement_einddatum"));
                    needs.add(new Need("LEARNING", d.append('.').toString(), "EXTRA", false, path));
                    if (child(e, O, "arrangement_beschikkingsnr") != null) {
                        notCarried(path + "/arrangement_beschikkingsnr", "NOT_NEEDED");
                    }
                }
                case "lwoo" -> {
                    StringBuilder d = new StringBuilder("Leerwegondersteuning (LWOO)");
                    append(d, " vanaf ", text(e, O, "lwoo_ingangdatum"));
                    append(d, " tot ", text(e, O, "lwoo_einddatum"));
                    needs.add(new Need("LEARNING", d.append('.').toString(), "EXTRA", false, path));
                    documentNotCarried(e, path);
                }
                default -> notCarried(path, "NO_V1_ELEMENT"); // toelichting_onderwijsbehoeften (a document only), rvc
            }
        }
        Basis basis = needs.stream().anyMatch(Need::sensitive) ? basis(dossier, birthDate) : null;
        out.start(D, "supportNeeds");
        int written = 0;
        for (Need need : needs) {
            if (need.sensitive() && basis == null) {
                notCarried(need.path(), "NO_SHARING_BASIS");
                continue;
            }
            if (need.description().length() > 4000 || written == MAX_NEEDS) {
                notCarried(need.path(), "NOT_REPRESENTABLE");
                continue;
            }
            out.start(SN, "need").leaf(SN, "category", need.category()).leaf(SN, "description", need.description())
                    .leaf(SN, "intensity", need.intensity());
            if (need.sensitive()) {
                out.start(SN, "sharingBasis").leaf(SN, "consentGivenBy", basis.givenBy()).leaf(SN, "consentDate", basis.date().toString()).end();
            }
            out.end();
            written++;
        }
        out.end();
        if (basis != null) {
            usedConsent = true;
        }
    }

    /**
     * The consent OSO records: inzage/toestemming "Ja" with its inzagedatum (the moment the parents, or the
     * pupil, saw the dossier and agreed to its transfer). Under 16 at that date only the parents can consent;
     * from 16 the pupil consents. Null when there is no such consent, or it lies after the mapping.
     */
    private Basis basis(Element dossier, LocalDate birthDate) {
        Element inspection = child(dossier, O, "inzage");
        String consent = text(inspection, O, "toestemming");
        String on = text(inspection, O, "inzagedatum");
        if (consent == null || !consent.equalsIgnoreCase("Ja") || on == null) {
            return null;
        }
        LocalDate date = date(on, "inzage/inzagedatum");
        if (date.isAfter(mappedOn) || date.isBefore(birthDate)) {
            return null;
        }
        return new Basis(Period.between(birthDate, date).getYears() < 16 ? "PARENTS" : "PUPIL", date);
    }

    private void documentNotCarried(Element e, String path) {
        if (child(e, O, "document") != null) {
            notCarried(path + "/document", "NO_V1_ELEMENT");
        }
    }

    /** Every delivered element not read above, by path and reason. */
    private void notCarriedRest(Element dossier, Element school, Element pupil) {
        for (Element e : children(child(dossier, O, "inzage"), O)) {
            String name = e.getLocalName();
            if (!(usedConsent && ("toestemming".equals(name) || "inzagedatum".equals(name)))) {
                notCarried("inzage/" + name, "NO_V1_ELEMENT");
            }
        }
        for (Element e : children(school, O)) {
            String name = e.getLocalName();
            if (!SCHOOL_AS_SENDER.contains(name)) {
                notCarried("huidigeschool/" + name, NOT_NEEDED_SCHOOL.contains(name) ? "NOT_NEEDED" : "NO_V1_ELEMENT");
            }
        }
        for (Element e : children(pupil, O)) {
            String name = e.getLocalName();
            if (MAPPED_LEERLING.contains(name) || "startdatumhuidigonderwijs".equals(name)) {
                continue;
            }
            notCarried(LEERLING + "/" + name, NOT_NEEDED_LEERLING.contains(name) ? "NOT_NEEDED" : "NO_V1_ELEMENT");
        }
    }

    private void derivedFrom(XmlOut out) {
        out.start(D, "derivedFrom").leaf(D, "standard", "OSO").leaf(D, "version", OsoMapping.OSO_VERSION);
        notDelivered.forEach((category, status) -> out.start(D, "category").leaf(D, "name", category.osoName).leaf(D, "status", status).end());
        int written = 0;
        for (Map.Entry<String, String> e : notCarried.entrySet()) {
            if (written++ == 200) {
                break;
            }
            out.start(D, "notCarried").leaf(D, "element", e.getKey()).leaf(D, "reason", e.getValue()).end();
        }
        out.end();
    }

    private void notCarried(String path, String reason) {
        notCarried.putIfAbsent(path, reason);
    }

    private static void append(StringBuilder b, String label, String value) {
        if (value != null) {
            b.append(label).append(value);
        }
    }

    private static LocalDate date(String text, String path) {
        try {
            return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
        } catch (DateTimeParseException e) {
            throw new OsoMappingException(path + " is not a date");
        }
    }
}
