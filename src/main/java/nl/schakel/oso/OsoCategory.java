package nl.schakel.oso;

import java.util.Map;
import java.util.Set;

/**
 * The categories (hoofdblokken) of an OSO 2019.1 dossier that {@code metadata/categorie_uitlevering}
 * gives a delivery status, in the order of the OSO XSD, and which elements belong to each.
 */
enum OsoCategory {
    METADATA("metadata"),
    OUDERINZAGE("ouderinzage"),
    SCHOOL("school"),
    LEERLING("leerling"),
    OUDERSVERZORGERS("oudersverzorgers"),
    VVE("vve"),
    SCHOOLLOOPBAAN("schoolloopbaan"),
    OVERSTAPADVIES("overstapadvies"),
    ONDERWIJSONDERSTEUNING("onderwijsondersteuning"),
    VERZUIM("verzuim"),
    EINDTOETSBO("eindtoetsbo"),
    TOETSRESULTATEN("toetsresultaten"),
    HANDELINGSPLANNEN("handelingsplannen"),
    CIJFERLIJSTEN("cijferlijsten"),
    VOMBO("vombo"),
    BIJLAGEDOCS("bijlagedocs");

    /** The category's name as v1's derivedFrom/category/name gives it, e.g. onderwijsondersteuning. */
    final String osoName;

    OsoCategory(String osoName) {
        this.osoName = osoName;
    }

    /** The element in categorie_uitlevering that holds this category's status, e.g. cat_onderwijsondersteuning. */
    String statusElement() {
        return "cat_" + osoName;
    }

    /** Children of huidigeschool/leerling that belong to a category other than {@link #LEERLING}. */
    private static final Map<String, OsoCategory> LEERLING_CHILDREN = Map.ofEntries(
            Map.entry("verzorger", OUDERSVERZORGERS),
            Map.entry("verzorgersaansprakelijk", OUDERSVERZORGERS),
            Map.entry("aansprakelijkeinstelling", OUDERSVERZORGERS),
            Map.entry("vanpeuterspeelzaal", VVE),
            Map.entry("naampeuterspeelzaal", VVE),
            Map.entry("voorschools", VVE),
            Map.entry("vroegschools", VVE),
            Map.entry("schoolloopbaanlijst", SCHOOLLOOPBAAN),
            Map.entry("overstapadvies", OVERSTAPADVIES),
            Map.entry("onderwijsondersteuning", ONDERWIJSONDERSTEUNING),
            Map.entry("verzuim", VERZUIM),
            Map.entry("eindtoets_basisonderwijs", EINDTOETSBO),
            Map.entry("toetslijst", TOETSRESULTATEN),
            Map.entry("cijferlijstlijst", CIJFERLIJSTEN),
            Map.entry("overigdocumentlijst", BIJLAGEDOCS),
            Map.entry("bevorderd", VOMBO),
            Map.entry("examenresultaat", VOMBO),
            Map.entry("resultaatvakkenvo", VOMBO),
            Map.entry("certificaat", VOMBO),
            Map.entry("competenties", VOMBO),
            Map.entry("stage", VOMBO),
            Map.entry("overigvombo", VOMBO));

    /** The category of a child of huidigeschool/leerling, by its local name. */
    static OsoCategory ofLeerlingChild(String localName) {
        return LEERLING_CHILDREN.getOrDefault(localName, LEERLING);
    }

    /** Element names that belong to {@link #BIJLAGEDOCS} wherever they occur. */
    static final Set<String> ATTACHMENT_ELEMENTS = Set.of("document", "documentLijst", "overigdocumentlijst");
}
