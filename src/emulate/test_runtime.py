#!/usr/bin/python3
# A small Lambda custom runtime for the emulator's tests, speaking the
# Runtime API with the standard library only. The event says what to do:
#   {"sleep": S}   sleep S seconds first
#   {"meet": [D, N]} leave a file named by the pid in folder D, then wait
#                  (at most 10 s) until D holds N files: N invocations meet
#   {"crash": N}   exit with status N instead of answering
#   {"error": M}   answer with a function error whose message is M
# otherwise it answers with its pid, the event, its Lambda environment and
# the invocation's headers. With FAIL_INIT set it reports an init error.
import json
import os
import sys
import time
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"


def post(path, body, headers=None):
    request = urllib.request.Request(API + path, data=json.dumps(body).encode(),
                                     headers=headers or {}, method="POST")
    urllib.request.urlopen(request).read()


if os.environ.get("FAIL_INIT"):
    post("/init/error", {"errorMessage": "bad configuration", "errorType": "Runtime.InitError"},
         {"Lambda-Runtime-Function-Error-Type": "Runtime.InitError"})
    sys.exit(1)

while True:
    with urllib.request.urlopen(API + "/invocation/next") as reply:
        headers = {k: reply.headers[k] for k in (
            "Lambda-Runtime-Aws-Request-Id", "Lambda-Runtime-Deadline-Ms",
            "Lambda-Runtime-Invoked-Function-Arn", "Lambda-Runtime-Trace-Id")}
        event = json.loads(reply.read() or b"{}")
    request_id = headers["Lambda-Runtime-Aws-Request-Id"]
    print("handling", request_id, flush=True)
    time.sleep(event.get("sleep", 0))
    if "meet" in event:
        folder, count = event["meet"]
        open(os.path.join(folder, str(os.getpid())), "w").close()
        waited = time.monotonic()
        while len(os.listdir(folder)) < count and time.monotonic() - waited < 10:
            time.sleep(0.02)
    if "crash" in event:
        sys.exit(event["crash"])
    if "error" in event:
        post("/invocation/" + request_id + "/error",
             {"errorMessage": event["error"], "errorType": "HandlerError"},
             {"Lambda-Runtime-Function-Error-Type": "HandlerError"})
        continue
    environment = {k: v for k, v in os.environ.items()
                   if k.startswith(("AWS_", "LAMBDA_", "_HANDLER", "RUNGS_TEST_"))}
    post("/invocation/" + request_id + "/response",
         {"pid": os.getpid(), "event": event, "env": environment, "headers": headers,
          "cwd": os.getcwd()})
