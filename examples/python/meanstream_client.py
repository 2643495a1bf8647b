#!/usr/bin/env python3
"""Send images and labels to meanstream and read its predictions, with no Avro and no schema.

Images go as the PNG/JPEG file itself (the CloudEvents Kafka binding in binary mode: the payload is the
value, metadata is in headers), labels as JSON, and predictions come back as JSON when the streams-app runs
with MEANSTREAM_STREAMS_PREDICTION_FORMAT=json. Needs confluent-kafka (Debian: python3-confluent-kafka).

  python3 meanstream_client.py images      --bootstrap localhost:9092 sandal.png boot.jpg
  python3 meanstream_client.py labels      --bootstrap localhost:9092 sandal=Sandal boot=9 --annotator alice
  python3 meanstream_client.py predictions --bootstrap localhost:9092 --expect 2 --timeout 120
  python3 meanstream_client.py bad         --bootstrap localhost:9092

An image's id is its file name without the extension (--id-prefix adds a prefix); a label names the
class by name or index. `bad` sends three records the pipeline refuses, to watch the dead-letter topic work.
"""
import argparse
import json
import os
import sys
import time
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, KafkaException, Producer

PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"


def now_rfc3339():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def content_type(data, path):
    if data.startswith(PNG):
        return "image/png"
    if data.startswith(JPEG):
        return "image/jpeg"
    raise SystemExit(f"{path}: not a PNG or JPEG file")


def producer(args):
    # acks=all and idempotence: a record the broker acknowledged is durable and written once.
    return Producer({"bootstrap.servers": args.bootstrap, "acks": "all", "enable.idempotence": True})


def deliver(failures):
    def callback(err, msg):
        if err is not None:
            failures.append(f"{msg.key()}: {err}")
    return callback


def finish(p, failures, sent, what):
    p.flush(60)
    if failures:
        raise SystemExit(f"{len(failures)} of {sent} {what} were refused: {failures[:5]}")
    print(f"sent {sent} {what}", file=sys.stderr)


def send_images(args):
    p, failures = producer(args), []
    for path in args.files:
        with open(path, "rb") as f:
            data = f.read()
        image_id = args.id_prefix + os.path.splitext(os.path.basename(path))[0]
        headers = [("content-type", content_type(data, path)), ("ce_specversion", "1.0"), ("ce_type", "io.meanstream.image"),
                   ("ce_id", image_id), ("ce_source", args.source), ("ce_time", now_rfc3339())]
        p.produce(args.images_topic, key=image_id, value=data, headers=headers, on_delivery=deliver(failures))
        p.poll(0)
    finish(p, failures, len(args.files), "images")


def send_labels(args):
    p, failures = producer(args), []
    for pair in args.pairs:
        image_id, sep, cls = pair.rpartition("=")
        if not sep or not image_id:
            raise SystemExit(f"'{pair}': expected IMAGE_ID=CLASS")
        label = {"imageId": image_id, "class": int(cls) if cls.isdigit() else cls, "annotator": args.annotator, "time": now_rfc3339()}
        p.produce(args.labels_topic, key=image_id, value=json.dumps(label).encode(), headers=[("content-type", "application/json")],
                  on_delivery=deliver(failures))
        p.poll(0)
    finish(p, failures, len(args.pairs), "labels")


def send_bad(args):
    p, failures = producer(args), []
    with_png = PNG + b"... a truncated PNG is refused later, by the image library"
    # An image without a key: nothing could ever join a label to it.
    p.produce(args.images_topic, value=with_png, headers=[("content-type", "image/png")], on_delivery=deliver(failures))
    # A header that lies: says PNG, holds text.
    p.produce(args.images_topic, key=args.id_prefix + "bad-lying-header", value=b"this is not an image",
              headers=[("content-type", "image/png")], on_delivery=deliver(failures))
    # A label that is not JSON.
    p.produce(args.labels_topic, key=args.id_prefix + "bad-json", value=b'{"imageId": "oops", "class": ',
              headers=[("content-type", "application/json")], on_delivery=deliver(failures))
    finish(p, failures, 3, "bad records")


def read_predictions(args):
    c = Consumer({"bootstrap.servers": args.bootstrap, "group.id": f"meanstream-client-{uuid.uuid4()}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False, "isolation.level": "read_committed"})
    c.subscribe([args.predictions_topic])
    seen = set()
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline and (args.expect is None or len(seen) < args.expect):
            msg = c.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                raise KafkaException(msg.error())
            headers = dict(msg.headers() or [])
            if headers.get("content-type") != b"application/json":
                print(f"skipping a non-JSON prediction at offset {msg.offset()}: run the streams-app with "
                      "MEANSTREAM_STREAMS_PREDICTION_FORMAT=json", file=sys.stderr)
                continue
            p = json.loads(msg.value())
            seen.add(p["imageId"])
            print(json.dumps({"imageId": p["imageId"], "className": p["className"], "confidence": round(p["confidence"], 4),
                              "modelVersion": p["modelVersion"]}), flush=True)
    finally:
        c.close()
    if args.expect is not None and len(seen) < args.expect:
        raise SystemExit(f"{len(seen)} of {args.expect} predictions within {args.timeout} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="localhost:9092", help="Kafka bootstrap servers (default: %(default)s)")
    parser.add_argument("--images-topic", default="meanstream.images")
    parser.add_argument("--labels-topic", default="meanstream.labels")
    parser.add_argument("--predictions-topic", default="meanstream.predictions")
    parser.add_argument("--id-prefix", default="", help="prefix of image ids (default: none)")
    commands = parser.add_subparsers(dest="command", required=True)
    images = commands.add_parser("images", help="send PNG/JPEG files, one record each")
    images.add_argument("files", nargs="+")
    images.add_argument("--source", default="/examples/python", help="ce_source of the images (default: %(default)s)")
    images.set_defaults(run=send_images)
    labels = commands.add_parser("labels", help="send labels as JSON: IMAGE_ID=CLASS (a class name or index)")
    labels.add_argument("pairs", nargs="+")
    labels.add_argument("--annotator", default="python-example")
    labels.set_defaults(run=send_labels)
    predictions = commands.add_parser("predictions", help="print predictions (JSON) from the beginning of the topic")
    predictions.add_argument("--expect", type=int, help="stop after this many images have a prediction; fail if fewer")
    predictions.add_argument("--timeout", type=float, default=60, help="seconds (default: %(default)s)")
    predictions.set_defaults(run=read_predictions)
    bad = commands.add_parser("bad", help="send three records the pipeline must refuse (see the dead-letter topic)")
    bad.set_defaults(run=send_bad)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
