package nl.schakel.oso;

import nl.schakel.oso.OsoMapping.Party;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static nl.schakel.oso.Dom.child;
import static nl.schakel.oso.Dom.children;
import static nl.schakel.oso.Dom.text;
import static nl.schakel.oso.OsoToV1.C;
import static nl.schakel.oso.OsoToV1.D;
import static nl.schakel.oso.OsoToV1.LL;

/** One mapping of a v1 transfer dossier to an OSO 2019.1 dossier; see docs/OSO-MAPPING.md. Not shared between threads. */
final class V1ToOso {
    private static final String O = OsoMapping.OSO_2019_NAMESPACE;
    /** deeldossier (codelijst 33): the dossier of a school administration. */
    static final String DEELDOSSIER = "LAS";
    static final String PAKKETNAAM = "Schakel";
    static final String PAKKETVERSIE = "1.1";
    static final String VALIDATIEVERSIE = "2019.1.1";
    /** overdrachtsoort (codelijst 29) of a transfer between schools. */
    static final String OVERDRACHTSOORT = "overstapdossier";
    /** aanleverpunt is required and v1 has no such thing; "0" is the first value the OSO XSD documents. */
    static final String AANLEVERPUNT = "0";
    /** toetsniveau (codelijst 43): the 2019.1 validation allows only "G". */
    static final String TOETSNIVEAU = "G";

    private final Document v1;
    private final Party sender;
    private final Party receiver;
    private final OffsetDateTime mappedAt;

    V1ToOso(Document v1, Party sender, Party receiver, OffsetDateTime mappedAt) {
        this.v1 = v1;
        this.sender = sender;
        this.receiver = receiver;
        this.mappedAt = mappedAt;
    }

    private record Period(String schoolYear, String institution, String group, String yearGroup, String from, String to) {
    }

    private record Level(String partCode, String osoLevel) {
    }

    byte[] map() {
        Element dossier = v1.getDocumentElement();
        if (dossier == null || !D.equals(dossier.getNamespaceURI()) || !"transferDossier".equals(dossier.getLocalName())) {
            throw new OsoMappingException("the document is not a namespace-aware v1 transferDossier");
        }
        if (!sender.code().equals(text(child(dossier, D, "sender"), C, "code"))) {
            throw new OsoMappingException("sender/code is not the code of the sending party");
        }
        Element pupil = child(dossier, D, "pupil");
        if (pupil == null) {
            throw new OsoMappingException("pupil is absent");
        }
        List<Period> history = history(dossier);
        String testKind = null;
        String testDate = null;
        List<Level> levels = new ArrayList<>();
        Element lines = child(dossier, D, "learningLines");
        for (String[] line : new String[][] {{"dutchLanguage", OsoToV1.PART_DUTCH}, {"arithmetic", OsoToV1.PART_ARITHMETIC}}) {
            Element e = child(lines, LL, line[0]);
            Element assessment = child(e, LL, "assessment");
            String instrument = text(assessment, LL, "instrument");
            String osoLevel = osoReferenceLevel(text(e, LL, "level"));
            if (instrument == null || !instrument.startsWith(OsoToV1.END_TEST_INSTRUMENT) || osoLevel == null) {
                continue; // a level from another assessment than the end test has no place in OSO
            }
            String kind = instrument.substring(OsoToV1.END_TEST_INSTRUMENT.length());
            String date = text(assessment, LL, "assessedOn");
            if (testKind == null) {
                testKind = kind;
                testDate = date;
            }
            if (testKind.equals(kind) && testDate.equals(date)) {
                levels.add(new Level(line[1], osoLevel));
            }
        }

        Map<OsoCategory, String> status = deliveryStatus(dossier, !history.isEmpty(), !levels.isEmpty());
        XmlOut out = new XmlOut();
        out.root(O, "dossier", "", O);
        out.start(O, "metadata")
                .leaf(O, "deeldossier", DEELDOSSIER)
                .leaf(O, "pakketnaam", PAKKETNAAM)
                .leaf(O, "pakketversie", PAKKETVERSIE)
                .leaf(O, "datum", mappedAt.toLocalDate().toString())
                .leaf(O, "standaardversie", OsoMapping.OSO_VERSION)
                .leaf(O, "validatieversie", VALIDATIEVERSIE);
        out.start(O, "categorie_uitlevering");
        status.forEach((category, value) -> out.leaf(O, category.statusElement(), value));
        out.end();
        out.leaf(O, "overstap", overstap());
        out.end();
        out.leaf(O, "overdrachtsoort", OVERDRACHTSOORT);

        out.start(O, "huidigeschool");
        String name = sender.name() != null ? sender.name() : text(child(dossier, D, "sender"), C, "name");
        out.leaf(O, "naam", name != null ? name : sender.code());
        out.leaf(O, "brincode", sender.code().substring(0, 4));
        out.leaf(O, "vestigingscode", sender.code().substring(4, 6));
        out.leaf(O, "aanleverpunt", AANLEVERPUNT);

        out.start(O, "leerling");
        for (String given : text(pupil, D, "givenNames").split("\\s+")) {
            out.leaf(O, "voornaam", given);
        }
        out.leaf(O, "voorvoegsel", text(pupil, D, "familyNamePrefix"));
        out.leaf(O, "achternaam", text(pupil, D, "familyName"));
        out.leaf(O, "geboortedatum", text(pupil, D, "birthDate"));
        String pgn = text(pupil, D, "pgn");
        if (pgn != null) {
            out.leaf(O, isBsn(pgn) ? "bsn" : "onderwijsnummer", pgn);
        }
        out.leaf(O, "startdatumhuidigonderwijs", text(child(dossier, D, "currentPlacement"), C, "since"));
        if (!history.isEmpty()) {
            out.start(O, "schoolloopbaanlijst");
            for (Period p : history) {
                out.start(O, "schoolloopbaan")
                        .leaf(O, "schooljaar", p.schoolYear())
                        .leaf(O, "groepscode", p.group())
                        .leaf(O, "jaargroep", p.yearGroup())
                        .leaf(O, "begindatum", p.from())
                        .leaf(O, "einddatum", p.to())
                        .leaf(O, "brincode", p.institution().substring(0, 4))
                        .leaf(O, "vestigingscode", p.institution().substring(4, 6))
                        .end();
            }
            out.end();
        }
        if (!levels.isEmpty()) {
            out.start(O, "eindtoets_basisonderwijs").start(O, "eindtoetsresultaat")
                    .leaf(O, "toetssoort", testKind)
                    .leaf(O, "toetsniveau", TOETSNIVEAU)
                    .leaf(O, "datum_afname", testDate)
                    .start(O, "onderdelen");
            for (Level level : levels) {
                out.start(O, "onderdeel").leaf(O, "onderdeelcode", level.partCode()).leaf(O, "ond_referentieniveau", level.osoLevel()).end();
            }
            out.end().end();
            out.leaf(O, "deelgenomen", "true");
            out.end();
        }
        out.end(); // leerling
        out.end(); // huidigeschool
        out.end(); // dossier
        return out.bytes();
    }

    /** The periods of schoolHistory that OSO can hold: OSO requires school, group and year group. */
    private static List<Period> history(Element dossier) {
        List<Period> periods = new ArrayList<>();
        for (Element p : children(child(dossier, D, "schoolHistory"), D, "period")) {
            Period period = new Period(text(p, D, "schoolYear"), text(p, D, "institution"), text(p, D, "group"),
                    text(p, D, "yearGroup"), text(p, D, "from"), text(p, D, "to"));
            if (period.institution() != null && period.group() != null && period.yearGroup() != null) {
                periods.add(period);
            }
        }
        return periods;
    }

    /**
     * VERPLICHT for the categories every dossier has; OPTIONEEL for an optional category that is delivered;
     * for the rest what the v1 dossier's derivedFrom says (VERBODEN or OPT-UIT), else OPT-UIT: not delivered.
     */
    private static Map<OsoCategory, String> deliveryStatus(Element dossier, boolean history, boolean endTest) {
        Map<OsoCategory, String> derived = new EnumMap<>(OsoCategory.class);
        Element from = child(dossier, D, "derivedFrom");
        if ("OSO".equals(text(from, D, "standard"))) {
            for (Element c : children(from, D, "category")) {
                for (OsoCategory category : OsoCategory.values()) {
                    if (category.osoName.equals(text(c, D, "name"))) {
                        derived.put(category, "FORBIDDEN".equals(text(c, D, "status")) ? "VERBODEN" : "OPT-UIT");
                    }
                }
            }
        }
        Map<OsoCategory, String> status = new EnumMap<>(OsoCategory.class);
        for (OsoCategory category : OsoCategory.values()) {
            String value = switch (category) {
                case METADATA, SCHOOL, LEERLING -> "VERPLICHT";
                case SCHOOLLOOPBAAN -> history ? "OPTIONEEL" : null;
                case EINDTOETSBO -> endTest ? "OPTIONEEL" : null;
                default -> null;
            };
            status.put(category, value != null ? value : derived.getOrDefault(category, "OPT-UIT"));
        }
        return status;
    }

    /** metadata/overstap (codelijst 16) for the transfers whose code is known here; absent otherwise. */
    private String overstap() {
        String code = sender.kind() + receiver.kind();
        return switch (code) {
            case "POPO", "POVO", "VOVO" -> code;
            default -> null;
        };
    }

    static String osoReferenceLevel(String v1) {
        if (v1 == null) {
            return null;
        }
        return switch (v1) {
            case "BELOW_1F" -> "01";
            case "1F" -> "02";
            case "1S" -> "03";
            case "2F" -> "04";
            default -> null; // 3F and 4F: codelijst 45 has no code for them
        };
    }

    /** Whether nine digits pass the eleven-test of a citizen service number (BSN); an education number does not. */
    static boolean isBsn(String pgn) {
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += (9 - i) * (pgn.charAt(i) - '0');
        }
        sum -= pgn.charAt(8) - '0';
        return sum % 11 == 0;
    }
}
