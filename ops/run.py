"""`make run`: the whole app on one origin, with demo data, until Ctrl-C.

DynamoDB keeps its data under .local/dynamodb, so a second run starts with the first one's data.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from ops import stack


def say(message: str) -> None:
    print(f"noper: {message}", flush=True)


def announce_mail(stopping: threading.Event) -> None:
    """Say on this console who each email went to and its subject (the sign-in code is in it)."""
    from email import message_from_bytes, policy

    outbox = stack.LOCAL_DIR / "outbox"
    seen = set(outbox.glob("*.eml"))
    while not stopping.wait(0.5):
        for path in sorted(set(outbox.glob("*.eml")) - seen):
            seen.add(path)
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            say(f"mail to {message['To']}: {message['Subject']}  ({path.relative_to(stack.ROOT)})")


# DynamoDB Local restarts at most this many times in 10 minutes; more means something is wrong for good.
RESTARTS_PER_10_MINUTES = 5


def restart_dynamodb(services: stack.Services, dead, port: int, logs, restarts: list[float]) -> bool:
    """DynamoDB Local died: start it again on its port, with the data it kept in .local/dynamodb. Meanwhile
    the API answers 503 with Retry-After (docs/operations.md). False when it keeps dying."""
    now = time.monotonic()
    restarts[:] = [moment for moment in restarts if now - moment < 600] + [now]
    say(f"DynamoDB Local stopped unexpectedly (exit {dead.returncode}); the API answers 503 meanwhile")
    if len(restarts) > RESTARTS_PER_10_MINUTES:
        say(f"DynamoDB Local stopped {len(restarts)} times in 10 minutes; giving up, see .local/logs/dynamodb.log")
        return False
    services.processes.remove(dead)
    try:
        stack.start_dynamodb(services, port, stack.LOCAL_DIR / "dynamodb", logs / "dynamodb.log")
        stack.warm_up_dynamodb()
    except Exception as error:  # noqa: BLE001 — whatever it was, say it in one line and stop
        say(f"DynamoDB Local did not come back ({error}); see .local/logs/dynamodb.log")
        return False
    say(f"DynamoDB Local restarted on port {port} with its data (.local/dynamodb); the API answers again")
    return True


def main() -> int:
    problem = stack.java_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    ports = stack.local_ports()
    busy = [f"{name} {port}" for name, port in ports.items() if stack.port_open(port)]
    if busy:
        print(f"noper: ports already in use ({', '.join(busy)}): is another `make run` going? "
              "Stop it, or set PORT (and NOPER_DYNAMODB_PORT, NOPER_MOTO_PORT, NOPER_API_PORT).", file=sys.stderr)
        return 1
    env = stack.local_environment()
    os.environ.update(env)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # this console says what happens in plain words
    logs = stack.LOCAL_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    services = stack.Services()
    stopping = threading.Event()

    def stop(*_args) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    origin = None
    try:
        say(f"starting DynamoDB Local on port {ports['dynamodb']} (data in .local/dynamodb)")
        stack.start_dynamodb(services, ports["dynamodb"], stack.LOCAL_DIR / "dynamodb", logs / "dynamodb.log")
        say(f"starting moto server for S3 and SES on port {ports['moto']} (uploads kept in .local/s3)")
        stack.start_moto(services, ports["moto"], logs / "moto.log", recording=stack.MOTO_RECORDING)
        for line in stack.provision():
            say(line)
        from ops.demo import demo_loaded, load_demo

        if demo_loaded():
            say("demo data already there (./noper demo loads it again)")
        else:
            for line in load_demo():
                say(f"demo: {line}")
        say(f"starting the API (chalice local --stage local) on port {ports['api']}; log in .local/logs/api.log")
        api = stack.start_api(services, ports["api"], env, logs / "api.log")
        from ops.origin import serve

        origin = serve(ports["origin"], stack.ROOT / "frontend" / "dist", api, uploads=env["NOPER_AWS_ENDPOINT"],
                       origin_secret=env["NOPER_ORIGIN_SECRET"])
        from app import app as chalice_app
        from ops.local_events import LocalEvents

        events = LocalEvents(chalice_app, stopping=stopping)  # stands in for EventBridge: uploads reach their handlers
        events.start()
        url = f"http://localhost:{ports['origin']}"
        say(f"ready: {url}  (API at {url}/api/v1/health, emails in .local/outbox/)")
        say("demo sign-in at /sign-in: staff@demo.noper.lu (commune staff of Demo-Gemeng 9901 and the sample's "
            "communes; editor@demo.noper.lu, a second staff member, approves what staff@'s links send), residents anna@, ben@, carla@demo.noper.lu (verified), dani@demo.noper.lu (pending); "
            "the code arrives by mail, shown here and kept in .local/outbox/. Ctrl-C stops everything.")
        threading.Thread(target=announce_mail, args=(stopping,), name="outbox", daemon=True).start()
        restarts: list[float] = []
        while not stopping.wait(1):
            dead = [p for p in services.processes if p.poll() is not None]
            if dead and all(p.name == "dynamodb-local" for p in dead):  # type: ignore[attr-defined]
                if not restart_dynamodb(services, dead[0], ports["dynamodb"], logs, restarts):
                    return 1
            elif dead:
                say(f"{dead[0].name} stopped unexpectedly (exit {dead[0].returncode}); see .local/logs/")  # type: ignore[attr-defined]
                return 1
        say("stopping")
        return 0
    except RuntimeError as error:
        print(f"noper: {error}; see .local/logs/", file=sys.stderr)
        return 1
    finally:
        if origin is not None:
            origin.shutdown()
        services.stop()


if __name__ == "__main__":
    sys.exit(main())
