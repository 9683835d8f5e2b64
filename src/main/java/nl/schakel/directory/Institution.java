package nl.schakel.directory;

import nl.schakel.model.common.InstitutionKind;

/** One institution in the directory: where and how it exchanges. */
public record Institution(String code, String name, InstitutionKind kind, String region, Channel channel, Format format) {

    /**
     * How the gateway delivers to the institution: into its drop folder, on its broker queue, or on
     * that queue for it to pull over the HTTP API.
     */
    public enum Channel { FILE, QUEUE, HTTP }

    /**
     * The format the institution receives: Schakel v1 as XML (in the directory {@code xml} or {@code v1}),
     * v1 as JSON, or the national OSO dossier ({@code oso}: an OSO dossier as sent, a v1 dossier mapped to OSO).
     */
    public enum Format { XML, JSON, OSO }
}
