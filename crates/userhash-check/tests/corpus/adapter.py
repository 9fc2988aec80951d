#!/usr/bin/env python3
"""Serves one port of the diagnosis corpus over adapter protocol v1.

Usage:  adapter.py PORT_NAME     speak the protocol on stdin/stdout as that port
        adapter.py --list        print the registry as JSON (stages, planned names, ports)

The handshake announces "verify". A user_hash port's verify recomputes with its own (wrong)
user_hash and compares in constant time, as real verifiers reuse their signer; a verifier port
(`verifier=True`) has the correct user_hash and its own verify. ValueError from a port is a
deliberate rejection (an `error` reply); any other exception is a bug of the corpus, answered as
an error starting with "corpus bug:" that the registry test refuses.

See README.md here and docs/DIAGNOSIS.md for what the corpus measures.
"""
import hmac
import json
import os
import platform
import re
import sys
import traceback

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

import ports  # noqa: E402,F401  (registers every port)
import registry  # noqa: E402
from registry import UNDEFINED, by_name, check_input, correct_user_hash  # noqa: E402


def arguments(port, req):
    """(secret, user_id, email) as this port sees them."""
    missing = UNDEFINED if port.sees_undefined else None
    return req.get("secret"), req.get("user_id", missing), req.get("email", missing)


def user_hash(port, req):
    secret, user_id, email = arguments(port, req)
    if not port.own_validation:
        check_input(secret, None if user_id is UNDEFINED else user_id,
                    None if email is UNDEFINED else email)
    if port.verifier:
        return correct_user_hash(secret, *(None if v is UNDEFINED else v for v in (user_id, email)))
    return port.fn(secret, user_id, email)


def verify(port, req):
    presented = req.get("user_hash")
    if port.verifier:
        secret, user_id, email = arguments(port, req)
        if not port.own_validation:
            check_input(secret, None if user_id is UNDEFINED else user_id,
                        None if email is UNDEFINED else email)
        return bool(port.fn(secret, user_id, email, presented))
    expected = user_hash(port, req)
    if expected is None or not isinstance(presented, str):
        return False
    return hmac.compare_digest(expected.encode("utf-8", "surrogatepass"),
                               presented.encode("utf-8", "surrogatepass"))


def handle(port, req):
    """The reply to one request, or None for stop."""
    cmd = req.get("cmd")
    if cmd == "start":
        if type(req.get("protocol")) is not int or req["protocol"] != 1:
            return {"ok": False, "error": f"unsupported protocol {json.dumps(req.get('protocol'))}"}
        return {"ok": True, "implementation": {
            "name": f"corpus-{port.name}", "language": "python",
            "version": platform.python_version(), "features": ["verify"]}}
    if cmd == "stop":
        return None
    reply = {"seq": req["seq"]} if "seq" in req else {}
    try:
        if cmd == "user_hash":
            reply["user_hash"] = user_hash(port, req)
        elif cmd == "verify":
            reply["valid"] = verify(port, req)
        else:
            reply["error"] = f"unknown command {json.dumps(cmd)}"
    except ValueError as e:
        reply["error"] = str(e) or type(e).__name__
    except Exception as e:  # a bug of the corpus, not a mistake of the port it imitates
        traceback.print_exc(file=sys.stderr)
        reply["error"] = f"corpus bug: {type(e).__name__}: {e}"
    return reply


def serve(port):
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        try:
            req = json.loads(raw.decode("utf-8"))
            if not isinstance(req, dict):
                raise ValueError("request is not a JSON object")
        except (ValueError, RecursionError) as e:
            reply = {"error": f"malformed request: {e}"}
            m = re.search(rb'"seq"\s*:\s*(\d+)', raw)
            if m:
                reply["seq"] = int(m.group(1))
        else:
            reply = handle(port, req)
            if reply is None:
                return
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main(argv):
    if argv[1:] == ["--list"]:
        print(json.dumps({
            "stages": registry.STAGES,
            "statuses": registry.STATUSES,
            "planned_names": registry.PLANNED_NAMES,
            "ports": [p.describe() for p in registry.PORTS],
        }, indent=1, ensure_ascii=False))
        return 0
    port = by_name(argv[1]) if len(argv) == 2 else None
    if port is None:
        sys.stderr.write(f"usage: {argv[0]} PORT_NAME | --list\n"
                         f"ports: {', '.join(p.name for p in registry.PORTS)}\n")
        return 2
    serve(port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
