"""One training epoch and one evaluation pass of the seed's model-2 in PyTorch (CPU), for
comparison with `convscope bench` on the same machine. Not needed by the tests.

    pip install torch numpy
    python3 bench/pytorch_epoch.py --data ../shared/data/mnist --threads 2
    python3 bench/pytorch_epoch.py --data ../shared/data/mnist --threads 2 --steps 30

Without `--steps`: one full epoch, then the test pass; prints train s/epoch, train img/s,
eval img/s, test accuracy and peak RSS, as a `convscope --headless --epochs 1` run does.
With `--steps N`: exactly what `convscope bench` measures, measured the same way: 3 warm-up
steps, then the median of N steps split into forward (incl. the loss) / backward / optimizer,
on consecutive batches of the training set; evaluation images/s as the median of 5 batches of
`--eval-batch` (default 250, as convscope) after one warm-up batch. `bench/compare.sh` runs both tools side by side.
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
    ap.add_argument("--steps", type=int, default=0,
                    help="time N training steps like `convscope bench` instead of an epoch")
    ap.add_argument("--eval-batches", type=int, default=5)
    ap.add_argument("--eval-batch", type=int, default=250,
                    help="test images per forward pass (convscope's data.eval_batch_size)")
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
    if args.steps:
        return bench_steps(model, opt, xtr_t, ytr_t, xte_t, args)
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
        eb = args.eval_batch
        for i in range(0, len(xte_t), eb):
            correct += (model(xte_t[i:i + eb]).argmax(1) == yte_t[i:i + eb]).sum().item()
    eval_s = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pytorch {torch.__version__}, {args.threads} threads")
    print(f"train s/epoch {train_s:.1f}  train img/s {len(xtr_t) / train_s:.0f}  "
          f"eval img/s {len(xte_t) / eval_s:.0f}  test acc {correct / len(xte_t):.4f}  peak RSS {rss_mb:.0f} MB")


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def bench_steps(model, opt, xtr, ytr, xte, args):
    """The `convscope bench` measurement, in PyTorch."""
    bs = args.batch
    fwd, bwd, upd = [], [], []
    model.train()
    for s in range(args.steps + 3):
        start = (s * bs) % (len(xtr) - bs)
        x, y = xtr[start:start + bs], ytr[start:start + bs]
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.nll_loss(model(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        loss.item()
        t3 = time.perf_counter()
        if s >= 3:
            fwd.append(1000 * (t1 - t0))
            bwd.append(1000 * (t2 - t1))
            upd.append(1000 * (t3 - t2))
    model.eval()
    ev = []
    eb = args.eval_batch
    with torch.no_grad():
        for b in range(args.eval_batches + 1):
            start = (b * eb) % (len(xte) - eb + 1)
            t0 = time.perf_counter()
            model(xte[start:start + eb]).argmax(1).tolist()
            if b > 0:
                ev.append(1000 * (time.perf_counter() - t0))
    f, b, o = median(fwd), median(bwd), median(upd)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pytorch {torch.__version__}, {args.threads} threads, batch {bs}, {args.steps} steps")
    print(f"{'kernels':<8} {'train img/s':>12} {'step ms':>10} {'fwd ms':>10} {'bwd ms':>10} {'opt ms':>10} {'eval img/s':>12}")
    print(f"{'pytorch':<8} {bs / ((f + b + o) / 1000):>12.0f} {f + b + o:>10.2f} {f:>10.2f} {b:>10.2f} {o:>10.2f} {eb / (median(ev) / 1000):>12.0f}")
    print(f"peak RSS {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
