package nl.schakel.validation;

import nl.schakel.directory.Directory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Another standard is added to the catalogue by configuration: here the national OSO dossier. */
class CatalogueExtensionTest {
    static final Path OSO = Path.of(System.getProperty("schakel.oso-dir", "../shared/oso"));

    @Test
    void a_catalogue_entry_alone_makes_the_gateway_recognise_and_schema_check_the_oso_dossier(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isReadable(OSO.resolve("OSO_gegevensset_2019.1.xsd")), "the OSO reference files are not beside the project");
        Path catalogue = dir.resolve("catalogue.yaml");
        // the shipped catalogue, its files named absolutely, plus one entry
        String shipped = Files.readString(Path.of("schemas/catalogue.yaml"))
                .replaceAll("(schema|rules): ([\\w.-]+)", "$1: " + Path.of("schemas").toAbsolutePath().toUri() + "$2");
        Files.writeString(catalogue, shipped
                + """
                  - id: oso-dossier-2019
                    namespace: http://www.edustandaard.nl/oso_gegevensset/2019/dossier
                    root: dossier
                    schema: %s
                    namespaces:
                      o: http://www.edustandaard.nl/oso_gegevensset/2019/dossier
                    fields:
                      messageId: /o:dossier/o:leerling/o:leerlingid
                      sender: concat(/o:dossier/o:huidigeschool/o:brincode, /o:dossier/o:huidigeschool/o:vestigingscode)
                """.formatted(OSO.resolve("OSO_gegevensset_2019.1.xsd").toAbsolutePath().toUri()));
        MessageValidator validator;
        try (InputStream in = getClass().getResourceAsStream("/demo-directory.yaml")) {
            validator = new MessageValidator(DocumentCatalogue.load(catalogue.toUri().toURL()), Directory.read(in, "demo"), 20 << 20, 100);
        }

        Verdict oso = validator.validate(Files.readAllBytes(OSO.resolve("examples/Voorbeelddossier_OV_POVO_opt_out.xml")), null);
        assertThat(oso.type().id()).isEqualTo("oso-dossier-2019");
        assertThat(oso.errors()).extracting(ValidationError::stage).doesNotContain(ValidationError.Stage.SCHEMA, ValidationError.Stage.PARSE);
        // an OSO dossier names no receiver, so this gateway cannot route it: it says so
        assertThat(oso.errors()).extracting(ValidationError::code).contains("CTX-PARTIES-UNREADABLE");

        Verdict broken = validator.validate(Files.readString(OSO.resolve("examples/Voorbeelddossier_OV_POVO_opt_out.xml"))
                .replace("<overdrachtsoort>overstapdossier</overdrachtsoort>", "<overdrachtsoort></overdrachtsoort>").getBytes(), null);
        assertThat(broken.errors()).extracting(ValidationError::stage).contains(ValidationError.Stage.SCHEMA);
        // and the schakel dossier still validates through the same catalogue
        assertThat(validator.validate(Files.readAllBytes(Path.of("schemas/examples/isk-to-vo.xml")), "30AA00").errors()).isEmpty();
    }
}
