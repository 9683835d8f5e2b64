#!/usr/bin/env python3
"""A school system on AMQP 1.0 (Qpid Proton) that sets more on its message than the body: a reply-to
address (another school's inbox) and properties of its own, one of them a pupil's name. The ISK
31AA00 sends a dossier so; it must get its receipt as usual, and neither the receipt nor the dossier
the VO school 31AB00 receives may carry the reply-to or the client's properties.

usage: reply_to_client.py HOST PORT DOSSIER.xml MESSAGE_ID
"""
import sys

from proton import Message

# the school system beside this script: its connection and receiving
from school_system import connect, expect, receive_message as receive

DOCUMENTED = {"schakelType", "schakelMessageId", "schakelRefersTo", "schakelSender", "schakelFormat",
              "schakelReceiptId", "schakelTransferId", "schakelValidatedUser", "JMSXDeliveryCount", "_AMQ_DUPL_ID"}


def clean(message):
    props = message.properties or {}
    return (not message.reply_to and not message.correlation_id and set(props).issubset(DOCUMENTED)
            and not any("Amira" in str(v) for v in props.values()))


def main(host, port, dossier_file, message_id):
    isk = connect(host, port, "31AA00")
    vo = connect(host, port, "31AB00")
    try:
        sender = isk.create_sender("gateway.inbound")
        message = Message(body=open(dossier_file, "rb").read())
        message.inferred = True
        message.reply_to = "inbox.32AA00"
        message.correlation_id = "Amira Haddad"
        message.properties = {"pupilName": "Amira Haddad", "schakelReceiver": "31AB00",
                              "schakelMessageId": "Amira-Haddad-2012-05-14"}
        sender.send(message)
        sender.close()

        receipt, body = receive(isk, "31AA00")
        props = receipt.properties or {}
        expect(props.get("schakelType") == "receipt" and "<status>ACCEPTED</status>" in body
               and props.get("schakelRefersTo") == message_id and "Amira" not in body,
               "ISK got an ACCEPTED receipt about " + message_id)
        expect(clean(receipt), "the receipt carries no reply-to and none of the client's properties")

        dossier, _ = receive(vo, "31AB00")
        expect((dossier.properties or {}).get("schakelMessageId") == message_id and clean(dossier),
               "VO school got the dossier without the client's properties")
    finally:
        isk.close()
        vo.close()
    print("DONE")


if __name__ == "__main__":
    main(*sys.argv[1:5])
