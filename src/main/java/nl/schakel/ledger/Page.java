package nl.schakel.ledger;

import java.util.List;

/** One page of a listing, newest first, with the total that matched. */
public record Page<T>(List<T> items, int page, int size, long total) {
}
