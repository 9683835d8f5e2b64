package nl.schakel.oso;

/**
 * A dossier that cannot be mapped. The message names element paths and codes only, never a value
 * from the dossier, so it may be logged.
 */
public final class OsoMappingException extends IllegalArgumentException {
    public OsoMappingException(String message) {
        super(message);
    }
}
