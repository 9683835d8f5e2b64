package nl.schakel.ledger;

import java.time.OffsetDateTime;

/** One submission as the ledger keeps it: codes and ids only. */
public record Transfer(String transferId, String messageId, String sender, String receiver, String senderKind,
                       String receiverKind, String senderRegion, String receiverRegion, String documentType,
                       String transitionKind, String channel, String channelOwner, Long sizeBytes, Status status,
                       OffsetDateTime receivedAt, OffsetDateTime updatedAt) {
}
