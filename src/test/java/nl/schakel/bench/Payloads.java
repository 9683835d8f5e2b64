package nl.schakel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/** Benchmark dossiers of a given size: the isk-to-vo example with a text attachment that pads it. */
final class Payloads {
    private final String template;

    Payloads(String sender, String receiver) throws IOException {
        String example = Files.readString(Path.of("schemas/examples/isk-to-vo.xml"));
        String base = example.replace("30AA00", "#S#").replace("30AB00", "#R#").replace("#S#", sender).replace("#R#", receiver);
        this.template = base;
    }

    /** A dossier of about {@code size} bytes with message id {@code id}. */
    byte[] dossier(String id, int size) {
        String text = template.replace("ISK30AA-2026-0001", id);
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
