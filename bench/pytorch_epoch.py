"""One training epoch and one evaluation pass of the seed's model-2 in PyTorch (CPU), for
comparison with `convscope bench` on the same machine. Not needed by the tests.

    pip install torch numpy
    python3 bench/pytorch_epoch.py --data ../shared/data/mnist --threads 2

Prints train s/epoch, train img/s, eval img/s and peak RSS, in the same terms as
`convscope bench` and a `--headless --epochs 1` run.
"""
import argparse
import gzip
import os
import resource
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 1, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


def load(d):
    f = lambda name: read_idx(os.path.join(d, name))
    return (f("train-images-idx3-ubyte.gz"), f("train-labels-idx1-ubyte.gz"),
            f("t10k-images-idx3-ubyte.gz"), f("t10k-labels-idx1-ubyte.gz"))


class Model2(nn.Module):
    """The seed notebook's model: 7,878 parameters."""

    def __init__(self, p=0.1):
        super().__init__()
        def block(i, o):
            return nn.Sequential(nn.Conv2d(i, o, 3, bias=False), nn.BatchNorm2d(o), nn.Dropout(p), nn.ReLU())
        self.net = nn.Sequential(
            block(1, 10), block(10, 20), block(20, 12),
            nn.Conv2d(12, 10, 1, bias=False), nn.MaxPool2d(2),
            block(10, 12), block(12, 12), block(12, 10),
            nn.AdaptiveAvgPool2d(1), nn.Conv2d(10, 10, 1, bias=False))

    def forward(self, x):
        return F.log_softmax(self.net(x).view(-1, 10), dim=-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("MNIST_DIR", "../shared/data/mnist"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    xtr, ytr, xte, yte = load(args.data)
    norm = lambda x: (torch.from_numpy(x.astype(np.float32)) / 255 - 0.1307) / 0.3081
    xtr_t, ytr_t = norm(xtr), torch.from_numpy(ytr.astype(np.int64))
    xte_t, yte_t = norm(xte), torch.from_numpy(yte.astype(np.int64))
    model = Model2()
    print("params", sum(p.numel() for p in model.parameters()))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model.train()
    perm = torch.randperm(len(xtr_t))
    t0 = time.perf_counter()
    for i in range(0, len(perm), args.batch):
        idx = perm[i:i + args.batch]
        opt.zero_grad()
        loss = F.nll_loss(model(xtr_t[idx]), ytr_t[idx])
        loss.backward()
        opt.step()
    train_s = time.perf_counter() - t0
    model.eval()
    correct = 0
    t0 = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(xte_t), 1000):
            correct += (model(xte_t[i:i + 1000]).argmax(1) == yte_t[i:i + 1000]).sum().item()
    eval_s = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pytorch {torch.__version__}, {args.threads} threads")
    print(f"train s/epoch {train_s:.1f}  train img/s {len(xtr_t) / train_s:.0f}  "
          f"eval img/s {len(xte_t) / eval_s:.0f}  test acc {correct / len(xte_t):.4f}  peak RSS {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
