package nl.schakel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/** Benchmark dossiers of a given size: an example dossier with a text attachment that pads it. */
final class Payloads {
    private final String template;
    private final String exampleId;

    /** The isk-to-vo example (30AA00 to 30AB00) with its codes replaced: for a pair of the same kinds (ISK to VO). */
    Payloads(String sender, String receiver) throws IOException {
        String example = Files.readString(Path.of("schemas/examples/isk-to-vo.xml"));
        this.template = example.replace("30AA00", "#S#").replace("30AB00", "#R#").replace("#S#", sender).replace("#R#", receiver);
        this.exampleId = "ISK30AA-2026-0001";
    }

    private Payloads(String template, String exampleId, boolean asIs) {
        this.template = template;
        this.exampleId = exampleId;
    }

    /** An example from schemas/examples/ as it is (its own sender and receiver), e.g. nt2-to-po.xml for 32AA00 to 32AB00. */
    static Payloads example(String file) throws IOException {
        String text = Files.readString(Path.of("schemas/examples").resolve(file));
        int from = text.indexOf("<messageId>") + "<messageId>".length();
        return new Payloads(text, text.substring(from, text.indexOf('<', from)), true);
    }

    /** A dossier of about {@code size} bytes with message id {@code id}. */
    byte[] dossier(String id, int size) {
        String text = template.replace(exampleId, id);
        int room = size - text.length() - 200;
        if (room <= 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] filler = new byte[room * 3 / 4];
        Arrays.fill(filler, (byte) 'a');
        String attachment = "  <attachments><attachment><title>Bijlage (demo)</title><mediaType>text/plain</mediaType><content>"
                + Base64.getEncoder().encodeToString(filler) + "</content></attachment></attachments>\n";
        return text.replace("</transferDossier>", attachment + "</transferDossier>").getBytes(StandardCharsets.UTF_8);
    }
}
