"""What one Web Push costs the worker in CPU: encrypting a notification for a device (RFC 8291,
aes128gcm: a fresh ECDH key pair, HKDF, AES-GCM) and signing its VAPID token (ES256).

Run from the repository root: .venv/bin/python -m bench.web_push [--messages 2000]

Sends nothing: the network time of a push is the push service's. Prints the median and p99 of
each part per message, and how many messages one core encrypts and signs per second at the
medians (the p99 on a shared machine is other work's).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pywebpush import WebPusher

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))  # so the script runs from a fresh clone, uninstalled

from app.core import vapid  # noqa: E402

ENDPOINT = "https://fcm.googleapis.com/fcm/send/bench-device"
PAYLOAD = {
    "notification_id": 123456,
    "kind": "report_closed",
    "title": "已办结，请评价 #98765",
    "title_en": "Case #98765 closed: please rate it",
    "body": "已清理完毕，感谢您的反映。" * 4,
    "report_id": 98765,
    "status": "closed",
    "url": "/#/reports/98765",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    device = ec.generate_private_key(ec.SECP256R1()).public_key()
    keys = {
        "p256dh": vapid.b64url(
            device.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        ),
        "auth": vapid.b64url(os.urandom(16)),
    }
    subscription = {"endpoint": ENDPOINT, "keys": keys}
    private_key = vapid.new_private_key()
    plain = json.dumps(PAYLOAD, ensure_ascii=False).encode()
    encrypt_ms, sign_ms = [], []
    for _ in range(args.messages):
        started = time.perf_counter()
        WebPusher(subscription).encode(plain, "aes128gcm")
        encrypted = time.perf_counter()
        vapid.authorization(private_key, ENDPOINT, subject="mailto:ops@example.cn")
        signed = time.perf_counter()
        encrypt_ms.append((encrypted - started) * 1000)
        sign_ms.append((signed - encrypted) * 1000)
    for name, values in (("encrypt", encrypt_ms), ("vapid sign", sign_ms)):
        cuts = statistics.quantiles(values, n=100)
        print(f"{name:>10}: median {statistics.median(values):.3f} ms, p99 {cuts[98]:.3f} ms")
    median_ms = statistics.median(encrypt_ms) + statistics.median(sign_ms)
    print(f"{len(plain)} byte payload: {1000 / median_ms:.0f} messages/s on one core (medians)")


if __name__ == "__main__":
    main()
