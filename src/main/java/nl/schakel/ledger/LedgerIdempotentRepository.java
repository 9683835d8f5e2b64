package nl.schakel.ledger;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/** Camel idempotent repository on the ledger: what was delivered stays recorded across restarts. */
public final class LedgerIdempotentRepository extends ServiceSupport implements IdempotentRepository {
    private final Ledger ledger;

    public LedgerIdempotentRepository(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public boolean add(String key) {
        return ledger.addDelivery(key);
    }

    @Override
    public boolean contains(String key) {
        return ledger.hasDelivery(key);
    }

    @Override
    public boolean remove(String key) {
        return ledger.removeDelivery(key);
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("the delivery record is cleared by retention only");
    }
}
