package nl.schakel.directory;

import nl.schakel.model.common.InstitutionKind;

/** One institution in the directory: where and how it exchanges. */
public record Institution(String code, String name, InstitutionKind kind, String region, Channel channel, Format format) {

    /** How the gateway delivers to the institution. */
    public enum Channel { FILE, QUEUE }

    /** The format the institution prefers to receive. */
    public enum Format { XML, JSON }
}
