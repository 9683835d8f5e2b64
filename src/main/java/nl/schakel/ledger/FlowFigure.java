package nl.schakel.ledger;

/**
 * An anonymous count of transfers: from which kind of institution in which region to which kind
 * in which region, per month and outcome. Counts under 5 are shown as "&lt;5".
 */
public record FlowFigure(String month, String fromRegion, String fromKind, String toRegion, String toKind,
                         String outcome, String count) {
}
