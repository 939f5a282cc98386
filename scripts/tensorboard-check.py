#!/usr/bin/env python3
"""Load what `convscope export --tensorboard DIR` wrote with TensorBoard's own code.

1. Each run's event file through TensorBoard's event reader (EventAccumulator): the scalar
   tags, how many steps each has, its first and last (step, value).
2. The HParams tab's data, from a real `tensorboard --logdir DIR` server's HParams API
   (the endpoints the tab itself calls): the experiment's hyperparameters and metrics, and
   each session group's hyperparameters and final metric values.

Not part of the test suite (it needs the `tensorboard` Python package):
    python3 -m venv /tmp/tb && /tmp/tb/bin/pip install tensorboard
    /tmp/tb/bin/python scripts/tensorboard-check.py DIR
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def scalars(logdir):
    for run in sorted(os.listdir(logdir)):
        path = os.path.join(logdir, run)
        if not os.path.isdir(path):
            continue
        acc = EventAccumulator(path, size_guidance={"scalars": 0})
        acc.Reload()
        print(f"run {run}")
        for tag in sorted(acc.Tags()["scalars"]):
            ev = acc.Scalars(tag)
            first, last = ev[0], ev[-1]
            print(f"  {tag:24} {len(ev):5} steps  first ({first.step}, {first.value:.6g})"
                  f"  last ({last.step}, {last.value:.6g})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, route, body):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/data/plugin/hparams/{route}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-XSRF-Protected": "1"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def hparams(logdir):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", logdir, "--port", str(port),
         "--host", "127.0.0.1", "--load_fast", "false"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        experiment = None
        for _ in range(60):
            time.sleep(1)
            try:
                experiment = post(port, "experiment", {"experimentName": ""})
                if experiment.get("hparamInfos"):
                    break
            except OSError:
                pass
        if not experiment or not experiment.get("hparamInfos"):
            sys.exit("tensorboard-check: the HParams API never listed an experiment")
        names = [h["name"] for h in experiment["hparamInfos"]]
        metrics = [m["name"]["tag"] for m in experiment["metricInfos"]]
        print(f"HParams experiment: {len(names)} hyperparameters ({', '.join(names[:6])}, ...)")
        print(f"  metrics: {', '.join(metrics)}")
        groups = post(port, "session_groups", {
            "experimentName": "", "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS",
                                                      "STATUS_FAILURE", "STATUS_RUNNING"],
            "colParams": [], "startIndex": 0, "sliceSize": 100})
        for g in groups["sessionGroups"]:
            hp = g["hparams"]
            shown = {k: hp[k] for k in ("model", "train.lr", "train.optimizer", "train.epochs") if k in hp}
            values = {m["name"]["tag"]: round(m["value"], 6) for m in g["metricValues"]}
            status = g["sessions"][0].get("status", "?")
            print(f"  session {g['name']}: {status} {shown}")
            print(f"    {values}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    scalars(sys.argv[1])
    hparams(sys.argv[1])
