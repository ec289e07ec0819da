#!/usr/bin/env python3
"""The PyTorch side of scripts/bench-cnn-vs-pytorch.sh: the same models, data, batch, optimizer
and thread count as cnnswift, measured the same way. Prints one JSON object per measurement.

Models (as cnnswift builds them): LeNet-5 (conv 6@5x5 pad 2, max pool, conv 16@5x5, max pool,
dense 120, 84, 10, ReLU), the MLP 784-512-256-10, and the CIFAR ResNets of He et al. (6n+2 layers,
16/32/64 channels, option-A parameter-free shortcuts). SGD with momentum 0.9, weight decay as
given, cross-entropy. One thread (torch.set_num_threads(1)); with --ranks K > 1, K processes
train with DistributedDataParallel over gloo, each at the per-rank batch (like cnnswift's
--sync batch).

Examples:
  python3 pytorch_cnn.py train --model lenet --batch 64 --epochs 5 --lr 0.01
  python3 pytorch_cnn.py train --model resnet --layers 20 --batch 32 --steps 60 --data synthetic
  python3 pytorch_cnn.py train --model resnet --layers 20 --batch 32 --steps 60 --data synthetic --ranks 2
  python3 pytorch_cnn.py infer --model lenet
"""
import argparse
import gzip
import json
import os
import resource
import struct
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

FASHION = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x00000803:
        rows, cols = struct.unpack(">II", data[8:16])
        images = torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8).view(count, 1, rows, cols)
        return ((images.float() / 255.0) - MEAN) / STD
    if magic == 0x00000801:
        return torch.frombuffer(bytearray(data[8:]), dtype=torch.uint8).long()
    raise SystemExit(f"{path}: unexpected magic {magic:#010x}")


def fashion(split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(FASHION, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION, f"{prefix}-labels-idx1-ubyte.gz"))
    return images, labels


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                                 nn.Linear(256, 10))

    def forward(self, x):
        return self.net(x)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.pad = cout - cin
        self.stride = stride

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.stride != 1 or self.pad:
            shortcut = x[:, :, ::self.stride, ::self.stride]
            shortcut = F.pad(shortcut, (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))
        return F.relu(out + shortcut)


class ResNet(nn.Module):
    def __init__(self, layers, channels_in):
        super().__init__()
        n = (layers - 2) // 6
        self.conv = nn.Conv2d(channels_in, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(n):
                blocks.append(Block(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.blocks(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def build(args, channels):
    if args.model == "lenet":
        return LeNet5()
    if args.model == "mlp":
        return MLP()
    return ResNet(args.layers, channels)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def train(args, rank=0, world=1):
    torch.set_num_threads(1)
    torch.manual_seed(args.seed + rank)
    if args.data == "synthetic":
        shape = (3, 32, 32) if args.model == "resnet" else (1, 28, 28)
        count = args.batch * args.steps
        images, labels = torch.randn(count, *shape), torch.randint(0, 10, (count,))
        test = None
    else:
        images, labels = fashion("train")
        test = fashion("test")
        if args.model == "resnet":
            images = F.pad(images, (2, 2, 2, 2))
            test = (F.pad(test[0], (2, 2, 2, 2)), test[1])
        shard = len(images) // world
        images, labels = images[rank * shard:(rank + 1) * shard], labels[rank * shard:(rank + 1) * shard]
    model = build(args, images.shape[1])
    if world > 1:
        model = nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay)
    results = []
    steps_per_epoch = len(images) // args.batch
    epochs = args.epochs if args.steps == 0 else 1
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(images))
        steps = steps_per_epoch if args.steps == 0 else min(args.steps, steps_per_epoch)
        start = time.perf_counter()
        for step in range(steps):
            index = order[step * args.batch:(step + 1) * args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(images[index]), labels[index])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        accuracy = None
        if test is not None:
            model.eval()
            with torch.no_grad():
                correct = sum((model(test[0][i:i + 1000]).argmax(1) == test[1][i:i + 1000]).sum().item()
                              for i in range(0, len(test[0]), 1000))
            accuracy = correct / len(test[0])
        results.append({"epoch": epoch + 1, "images_per_second": steps * args.batch * world / seconds,
                        "test_accuracy": accuracy, "loss": loss.item()})
    if rank == 0:
        print(json.dumps({"framework": "pytorch", "version": torch.__version__, "mode": "train", "model": args.model,
                          "layers": args.layers, "batch": args.batch, "ranks": world, "epochs": results,
                          "peak_rss_mib": peak_rss_mib()}), flush=True)


def distributed(rank, args):
    import torch.distributed as dist
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(args.port)
    dist.init_process_group("gloo", rank=rank, world_size=args.ranks)
    train(args, rank, args.ranks)
    dist.destroy_process_group()


def infer(args):
    torch.set_num_threads(1)
    shape = (3, 32, 32) if args.model == "resnet" else (1, 28, 28)
    model = build(args, shape[0]).eval()
    latencies = []
    with torch.no_grad():
        one = torch.randn(1, *shape)
        for _ in range(50):
            model(one)
        for _ in range(args.repeat):
            start = time.perf_counter()
            model(one)
            latencies.append((time.perf_counter() - start) * 1000)
        big = torch.randn(args.batch, *shape)
        model(big)
        start = time.perf_counter()
        for _ in range(10):
            model(big)
        throughput = 10 * args.batch / (time.perf_counter() - start)
    latencies.sort()
    print(json.dumps({"framework": "pytorch", "version": torch.__version__, "mode": "infer", "model": args.model,
                      "p50_ms": latencies[len(latencies) // 2], "p99_ms": latencies[int(len(latencies) * 0.99)],
                      "batch": args.batch, "images_per_second": throughput, "peak_rss_mib": peak_rss_mib()}),
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["train", "infer"])
    parser.add_argument("--model", choices=["lenet", "mlp", "resnet"], default="lenet")
    parser.add_argument("--layers", type=int, default=20)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=0, help="train this many steps only (one timed epoch)")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--data", choices=["fashion-mnist", "synthetic"], default="fashion-mnist")
    parser.add_argument("--ranks", type=int, default=1)
    parser.add_argument("--port", type=int, default=29517)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1000, help="batch-1 inferences timed")
    args = parser.parse_args()
    if args.layers < 8 or (args.layers - 2) % 6:
        sys.exit(f"--layers {args.layers}: expected 6n+2")
    if args.mode == "infer":
        infer(args)
    elif args.ranks > 1:
        import torch.multiprocessing as mp
        mp.spawn(distributed, args=(args,), nprocs=args.ranks)
    else:
        train(args)


if __name__ == "__main__":
    main()
