#!/usr/bin/env python3
"""The PyTorch side of scripts/bench-timeseries-vs-pytorch.sh: Wang et al.'s FCN trained on a UCR/UEA data set
in the .ts format exactly as `cnnswift train --model fcn` trains it, measured the same way. Prints one JSON
object at the end.

The same data: the .ts files read here (our own reader), each case's dimensions z-normalised unless
--no-znorm (population standard deviation; a constant series only loses its mean), shorter cases padded with zeros at their end
(--pad-series) or stretched to the longest by linear interpolation before normalising (--resample-series), the
classes numbered in the order of the header's @classLabel. The same model: three 1-D
convolutions of 128, 256 and 128 filters with kernels 8, 5 and 3 ('same' padding: (k-1)//2 before, k//2 after),
each with batch normalization (eps 1e-5, momentum 0.1) and ReLU, global average pooling, a dense layer to the
classes, softmax cross-entropy. The same training: Adam (lr 0.001, betas 0.9 and 0.999), ReduceLROnPlateau on the
epoch's mean training loss (factor 0.5, patience 50, min_lr 0.0001) with --lr-plateau, batches of --batch drawn
from a seeded shuffle each epoch, the last partial batch dropped (as cnnswift's whole steps). One thread.

Examples:
  python3 pytorch_fcn.py --data /tmp/ucr/GunPoint/GunPoint --batch 5 --epochs 500 --seed 1 --lr-plateau
  python3 pytorch_fcn.py --data /tmp/ucr/JapaneseVowels/JapaneseVowels --batch 16 --epochs 20 --resample-series
"""
import argparse
import json
import math
import os
import resource
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402


def read_ts(path):
    """(classes, cases, labels): each case a list of dimensions, each a list of floats (NaN for '?')."""
    classes, cases, labels, in_data = None, [], [], False
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                lower = line.lower()
                if lower.startswith("@classlabel"):
                    words = line.split()
                    if len(words) < 3 or words[1].lower() != "true":
                        raise SystemExit(f"{path} line {number}: a classification problem needs @classLabel true")
                    classes = words[2:]
                elif lower.startswith("@data"):
                    in_data = True
                continue
            fields = line.split(":")
            label = fields[-1].strip()
            if classes is None or label not in classes:
                raise SystemExit(f"{path} line {number}: class {label!r} is not in @classLabel")
            cases.append([[math.nan if v.strip() == "?" else float(v) for v in f.split(",")] for f in fields[:-1]])
            labels.append(classes.index(label))
    return classes, cases, labels


def z_normalize(values):
    n = len(values)
    mean = sum(values) / n
    sigma = math.sqrt(sum((v - mean) ** 2 for v in values) / n)
    scale = 1 / sigma if sigma > 1e-8 else 1
    return [(v - mean) * scale for v in values]


def resample(values, length):
    """values stretched to length by linear interpolation, the first and last kept."""
    if len(values) == 1:
        return values * length
    scale = (len(values) - 1) / (length - 1)
    out = []
    for i in range(length):
        position = i * scale
        left = min(int(position), len(values) - 2)
        t = position - left
        out.append(values[left] + t * (values[left + 1] - values[left]))
    return out


def tensors(cases, length, lengths, znorm=True):
    out = torch.zeros(len(cases), len(cases[0]), length)
    for index, case in enumerate(cases):
        for dimension, values in enumerate(case):
            if len(values) < length:
                if lengths is None:
                    raise SystemExit(f"case {index + 1} is shorter than {length}: pass --pad-series or --resample-series")
                if lengths == "resample":
                    values = resample(values, length)
            if any(math.isnan(v) for v in values):
                raise SystemExit(f"case {index + 1} has missing values")
            out[index, dimension, : len(values)] = torch.tensor(z_normalize(values) if znorm else values)
    return out


class FCN(nn.Module):
    def __init__(self, dimensions, classes):
        super().__init__()
        layers, channels = [], dimensions
        for filters, kernel in [(128, 8), (256, 5), (128, 3)]:
            layers += [
                nn.ConstantPad1d(((kernel - 1) // 2, kernel // 2), 0.0),
                nn.Conv1d(channels, filters, kernel),
                nn.BatchNorm1d(filters, eps=1e-5, momentum=0.1),
                nn.ReLU(),
            ]
            channels = filters
        self.features = nn.Sequential(*layers)
        self.dense = nn.Linear(channels, classes)

    def forward(self, x):
        return self.dense(self.features(x).mean(dim=2))


def accuracy(model, x, y, batch=256):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(x), batch):
            correct += (model(x[start : start + batch]).argmax(1) == y[start : start + batch]).sum().item()
    model.train()
    return correct / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="PATH/NAME: NAME_TRAIN.ts and NAME_TEST.ts")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--lr-plateau", action="store_true")
    parser.add_argument("--pad-series", action="store_true")
    parser.add_argument("--resample-series", action="store_true")
    parser.add_argument("--no-znorm", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)

    classes, train_cases, train_labels = read_ts(args.data + "_TRAIN.ts")
    _, test_cases, test_labels = read_ts(args.data + "_TEST.ts")
    length = max(len(case[0]) for case in train_cases + test_cases)
    lengths = "pad" if args.pad_series else "resample" if args.resample_series else None
    znorm = not args.no_znorm
    x_train, x_test = tensors(train_cases, length, lengths, znorm), tensors(test_cases, length, lengths, znorm)
    y_train, y_test = torch.tensor(train_labels), torch.tensor(test_labels)

    model = FCN(x_train.shape[1], len(classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    plateau = (
        torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=50, min_lr=0.0001)
        if args.lr_plateau
        else None
    )
    loss_function = nn.CrossEntropyLoss()
    steps = len(x_train) // args.batch
    if steps < 1:
        raise SystemExit(f"--batch {args.batch}: larger than the training set ({len(x_train)} cases)")
    generator = torch.Generator().manual_seed(args.seed)
    train_seconds, losses = 0.0, []
    for _ in range(args.epochs):
        order = torch.randperm(len(x_train), generator=generator)
        start, total = time.perf_counter(), 0.0
        for step in range(steps):
            batch = order[step * args.batch : (step + 1) * args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            total += loss.item()
        train_seconds += time.perf_counter() - start
        losses.append(total / steps)
        if plateau is not None:
            plateau.step(losses[-1])
    print(
        json.dumps(
            {
                "framework": "pytorch",
                "data": os.path.basename(args.data),
                "seed": args.seed,
                "epochs": args.epochs,
                "batch": args.batch,
                "test_accuracy": accuracy(model, x_test, y_test),
                "train_loss": losses[-1],
                "learning_rate": optimizer.param_groups[0]["lr"],
                "series_per_second": steps * args.batch * args.epochs / train_seconds,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "torch": torch.__version__,
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
