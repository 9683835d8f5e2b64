package nl.schakel.testdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;

/** The isk-to-vo example with an attachment of fictitious bytes, base64 in lines of 76 as mail programs write it. */
public final class LargeDossiers {
    private LargeDossiers() {
    }

    /** The attachment's bytes: the same for the same size, so a test can compare what arrives. */
    public static byte[] attachment(int bytes) {
        byte[] content = new byte[bytes];
        new Random(bytes).nextBytes(content);
        return content;
    }

    public static byte[] dossier(String sender, String receiver, String messageId, int attachmentBytes) throws IOException {
        return dossier(sender, receiver, messageId, Base64.getMimeEncoder().encodeToString(attachment(attachmentBytes)));
    }

    /** With {@code base64} as the attachment's content, valid or not. */
    public static byte[] dossier(String sender, String receiver, String messageId, String... base64) throws IOException {
        String example = Files.readString(Path.of("schemas/examples/isk-to-vo.xml"));
        String text = example.replace("30AA00", "#S#").replace("30AB00", "#R#").replace("#S#", sender).replace("#R#", receiver)
                .replace("ISK30AA-2026-0001", messageId);
        StringBuilder attachments = new StringBuilder("  <attachments>");
        for (String content : base64) {
            attachments.append("<attachment><title>Rapport (demo)</title><mediaType>application/pdf</mediaType><content>\n")
                    .append(content).append("\n</content></attachment>");
        }
        attachments.append("</attachments>\n");
        return text.replace("</transferDossier>", attachments + "</transferDossier>").getBytes(StandardCharsets.UTF_8);
    }

    /** With one attachment of each size, in this order. */
    public static byte[] dossierWithAttachments(String sender, String receiver, String messageId, int... sizes) throws IOException {
        String[] contents = new String[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            contents[i] = Base64.getMimeEncoder().encodeToString(attachment(sizes[i]));
        }
        return dossier(sender, receiver, messageId, contents);
    }
}
