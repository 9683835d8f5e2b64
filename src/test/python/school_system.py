#!/usr/bin/env python3
"""A school administration system on AMQP 1.0 (Qpid Proton), playing both schools of one transfer:
the ISK 31AA00 sends a dossier, the VO school 31AB00 receives it (as JSON, its preferred format) and
acknowledges it, and the ISK receives its receipt and the acknowledgement.

usage: school_system.py HOST PORT DOSSIER.xml ACKNOWLEDGEMENT.xml MESSAGE_ID
"""
import json
import sys

from proton import Message
from proton.utils import BlockingConnection


def connect(host, port, code):
    # demo credentials: <code> / demo-<code>; PLAIN over plain TCP is for loopback demos only
    return BlockingConnection("amqp://%s:%s" % (host, port), user=code, password="demo-" + code,
                              allowed_mechs="PLAIN", allow_insecure_mechs=True, timeout=30)


def send(connection, body):
    sender = connection.create_sender("gateway.inbound")
    message = Message(body=body)
    message.inferred = True  # the bytes go as an AMQP data section
    sender.send(message)
    sender.close()


def receive_message(connection, code):
    """The next message on the institution's inbox, accepted, and its body as text."""
    receiver = connection.create_receiver("inbox." + code)
    message = receiver.receive(timeout=30)
    receiver.accept()
    receiver.close()
    body = message.body
    if isinstance(body, memoryview):
        body = body.tobytes()
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return message, body


def receive(connection, code):
    message, body = receive_message(connection, code)
    return message.properties or {}, body


def expect(condition, what):
    if not condition:
        raise AssertionError(what)
    print("OK", what)


def main(host, port, dossier_file, ack_file, message_id):
    isk = connect(host, port, "31AA00")
    vo = connect(host, port, "31AB00")
    try:
        send(isk, open(dossier_file, "rb").read())
        props, receipt = receive(isk, "31AA00")
        expect(props.get("schakelType") == "receipt" and "<status>ACCEPTED</status>" in receipt, "ISK got an ACCEPTED receipt")

        props, dossier = receive(vo, "31AB00")
        expect(props.get("schakelType") == "dossier", "VO school got a message of type dossier")
        expect(json.loads(dossier)["transferDossier"]["messageId"] == message_id, "VO school read the dossier as JSON")

        send(vo, open(ack_file, "rb").read())
        props, receipt = receive(vo, "31AB00")
        expect(json.loads(receipt)["receipt"]["status"] == "ACCEPTED", "VO school got an ACCEPTED receipt for its acknowledgement")

        props, ack = receive(isk, "31AA00")
        expect(props.get("schakelType") == "acknowledgement" and props.get("schakelRefersTo") == message_id,
               "ISK got the acknowledgement of " + message_id)
        expect("<decision>ACCEPTED</decision>" in ack, "the placement is accepted")
    finally:
        isk.close()
        vo.close()
    print("DONE")


if __name__ == "__main__":
    main(*sys.argv[1:6])
