#!/usr/bin/env python3
"""Run a model written by `convscope export RUN --onnx FILE` in onnxruntime on MNIST's test
set and compare with what convscope says.

    python3 scripts/onnxruntime-check.py model.onnx MNIST_DIR [N [LOG_PROBS.f32]]

Prints the model's inputs, outputs and metadata, the accuracy on the first N test images
(default 1000), and — given convscope's log-probabilities for the same images as raw
little-endian f32 (N x classes; the integration test `export_writes_tensorboard_csv_and_onnx`
leaves `convscope-log-probs.f32` beside its `model.onnx` and prints where) — the largest
absolute difference and how many predictions differ. Not part of the test suite (it needs `pip install onnxruntime numpy`).
"""
import gzip
import sys

import numpy as np
import onnxruntime as ort


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    model, mnist = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    meta = sess.get_modelmeta()
    for i in sess.get_inputs():
        print(f"input  {i.name} {i.shape} {i.type}")
    for o in sess.get_outputs():
        print(f"output {o.name} {o.shape} {o.type}")
    props = meta.custom_metadata_map
    print(f"metadata: {len(props)} entries, e.g. " +
          ", ".join(f"{k}={props[k]}" for k in ("model", "train.lr", "convscope.run_id",
                                                 "convscope.best_test_accuracy") if k in props))
    images = idx(f"{mnist}/t10k-images-idx3-ubyte.gz")[:n]
    labels = idx(f"{mnist}/t10k-labels-idx1-ubyte.gz")[:n]
    x = (images.astype(np.float32) / 255.0)[:, None, :, :]
    (log_probs,) = sess.run(None, {sess.get_inputs()[0].name: x})
    pred = log_probs.argmax(1)
    print(f"onnxruntime {ort.__version__}: accuracy on the first {n} test images "
          f"{100 * (pred == labels).mean():.2f}%")
    if len(sys.argv) > 4:
        ref = np.fromfile(sys.argv[4], dtype="<f4").reshape(log_probs.shape)
        print(f"vs convscope: max abs diff {np.abs(ref - log_probs).max():.3e}, "
              f"{int((ref.argmax(1) != pred).sum())} of {n} predictions differ")


if __name__ == "__main__":
    main()
