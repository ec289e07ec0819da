"""The darknet side of scripts/check-darknet.sh: darknet itself run through ctypes, and what the check needs
around it. Our own code; darknet (libdarknet.so, its cfgs) is built and given by the user.

  darknet_outputs.py cut CFG LAYERS OUT [--width W --height H]
        writes [net] (width and height replaced when given) and the first LAYERS layer sections of CFG to OUT.
        Darknet numbers every section after [net] from 0, whatever its type, so layers 0 to LAYERS-1.
  darknet_outputs.py inputs OUT.npy --count N --seed S --size C,H,W
        writes N seeded uniform [0, 1) float32 inputs, N×C×H×W (CHW RGB, as darknet's network_predict takes).
  darknet_outputs.py perturb CFG WEIGHTS OUT --seed S
        copies the weights file WEIGHTS of CFG to OUT with every bias, batch-norm scale, rolling mean and
        rolling variance redrawn from the seed (cnnswift's seeded weights have biases 0, scales 1, means 0 and
        variances 1, under which the order of those blocks in the file is never tested); the convolution
        weights are kept.
  darknet_outputs.py darknet --libdarknet SO --cfg CFG --weights W --data IN.npy --out OUT.npy
        loads the network with load_network (parse_network_cfg + load_weights), set_batch_network(net, 1),
        runs network_predict on each input (a float* in CHW order) and saves the last layer's output of each,
        N×outputs float32.
  darknet_outputs.py compare --cfg CFG --darknet D.npy --cnnswift C.npy --label TEXT [--tolerance T]
        prints one table row: the largest relative difference over the inputs, and exits 1 when it is over T.

Relative difference, per input: max over elements |cnnswift − darknet| / max over elements |darknet| (the
whole output's scale as the floor, so elements near zero do not dominate); the row gives the largest over
the inputs, with the largest |difference| and the largest |darknet value| beside it.

A [region] layer (YOLOv2) is compared in darknet's form. Darknet's forward_region_layer (inference) copies its
input, the previous convolution's output of num × (coords + 1 + classes) channels over an H×W grid, and then,
in place and in the same memory layout (entry_index: n·H·W·(coords + 1 + classes) + entry·H·W + cell), applies
the logistic to entries 0 and 1 (box x, y) and to entry `coords` (objectness), leaves entries 2 and 3 (box w, h)
raw, and takes a softmax over the `classes` entries from coords + 1 at each cell when softmax=1 (the logistic to
each otherwise). cnnswift's output for a network with a [region] layer is that convolution's raw output, C×H×W
in C order, which is the same layout (channel = n · (coords + 1 + classes) + entry); its detection decoder
applies the activations later. So `compare` applies darknet's activations to cnnswift's output, element for
element, and compares the result with darknet's region output."""
import argparse
import ctypes
import sys
import time

import numpy as np


def sections(path):
    """The cfg's sections as (type, [(key, value)], [raw lines]), [net] first."""
    result = []
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if line.startswith("["):
                result.append((line.strip("[]").strip(), [], [raw.rstrip("\n")]))
            elif result:
                result[-1][2].append(raw.rstrip("\n"))
                text = line.split("#", 1)[0].strip()
                if "=" in text:
                    key, value = text.split("=", 1)
                    result[-1][1].append((key.strip(), value.strip()))
    if not result or result[0][0] not in ("net", "network"):
        sys.exit(f"{path}: the first section is not [net]")
    return result


def options(section):
    return dict(section[1])


def cut(args):
    all_sections = sections(args.cfg)
    if len(all_sections) - 1 < args.layers:
        sys.exit(f"{args.cfg}: has {len(all_sections) - 1} layers, not {args.layers}")
    with open(args.out, "w") as f:
        f.write(f"# {args.cfg}: [net] and its first {args.layers} layers (darknet's layers 0 to "
                f"{args.layers - 1}), written by scripts/reference/darknet_outputs.py cut\n")
        net = all_sections[0]
        for raw in net[2]:
            key = raw.split("#", 1)[0].split("=", 1)[0].strip()
            if key == "width" and args.width:
                raw = f"width={args.width}"
            elif key == "height" and args.height:
                raw = f"height={args.height}"
            f.write(raw + "\n")
        for section in all_sections[1:args.layers + 1]:
            f.write("\n".join(section[2]).rstrip() + "\n\n")


def inputs(args):
    shape = [int(v) for v in args.size.split(",")]
    rng = np.random.default_rng(args.seed)
    np.save(args.out, rng.random((args.count, *shape), dtype=np.float32))


def weight_blocks(cfg):
    """(kind, count) per block of the cfg's weights file, in file order; only the sections these cfgs use."""
    all_sections = sections(cfg)
    net = options(all_sections[0])
    channels = int(net.get("channels", 3))
    blocks = []
    for section in all_sections[1:]:
        kind, values = section[0], options(section)
        if kind in ("convolutional", "conv"):
            filters, size = int(values.get("filters", 1)), int(values.get("size", 1))
            groups = int(values.get("groups", 1))
            blocks.append(("bias", filters))
            if values.get("batch_normalize", "0") == "1":
                blocks += [("scale", filters), ("mean", filters), ("variance", filters)]
            blocks.append(("weight", filters * channels // groups * size * size))
            channels = filters
        elif kind in ("maxpool", "max", "region", "cost"):
            pass
        else:
            sys.exit(f"{cfg}: perturb knows [convolutional], [maxpool], [region] and [cost], not [{kind}]")
    return blocks


def perturb(args):
    data = open(args.weights, "rb").read()
    major, minor = np.frombuffer(data[:8], "<i4")
    header = 20 if major * 10 + minor >= 2 and major < 1000 and minor < 1000 else 16
    values = np.frombuffer(data[header:], "<f4").copy()
    blocks = weight_blocks(args.cfg)
    if sum(count for _, count in blocks) != values.size:
        sys.exit(f"{args.weights}: {values.size} values, the cfg needs {sum(c for _, c in blocks)}")
    rng = np.random.default_rng(args.seed)
    draws = {"bias": (-0.2, 0.2), "scale": (0.5, 1.5), "mean": (-0.2, 0.2), "variance": (0.25, 2.0)}
    start = 0
    for kind, count in blocks:
        if kind in draws:
            values[start:start + count] = rng.uniform(*draws[kind], count).astype(np.float32)
        start += count
    with open(args.out, "wb") as f:
        f.write(data[:header])
        f.write(values.astype("<f4").tobytes())


def run_darknet(args):
    lib = ctypes.CDLL(args.libdarknet)
    lib.load_network.restype = ctypes.c_void_p
    lib.load_network.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
    lib.set_batch_network.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.network_inputs.restype = ctypes.c_int
    lib.network_inputs.argtypes = [ctypes.c_void_p]
    lib.network_outputs.restype = ctypes.c_int
    lib.network_outputs.argtypes = [ctypes.c_void_p]
    lib.network_predict.restype = ctypes.POINTER(ctypes.c_float)
    lib.network_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)]
    lib.free_network.argtypes = [ctypes.c_void_p]

    net = lib.load_network(args.cfg.encode(), args.weights.encode(), 0)
    if not net:
        sys.exit(f"darknet could not load {args.cfg}")
    lib.set_batch_network(net, 1)
    data = np.load(args.data)
    if data.dtype != np.float32:
        sys.exit(f"{args.data}: {data.dtype}, expected float32")
    count = data.shape[0]
    flat = np.ascontiguousarray(data.reshape(count, -1))
    if flat.shape[1] != lib.network_inputs(net):
        sys.exit(f"{args.data}: {flat.shape[1]} values per input, darknet's network takes {lib.network_inputs(net)}")
    outputs = lib.network_outputs(net)
    result = np.empty((count, outputs), dtype=np.float32)
    started = time.perf_counter()
    for i in range(count):
        row = np.ascontiguousarray(flat[i])
        out = lib.network_predict(net, row.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        result[i] = np.ctypeslib.as_array(out, shape=(outputs,))
    seconds = time.perf_counter() - started
    lib.free_network(net)
    np.save(args.out, result)
    print(f"darknet: {count} inputs, {outputs} outputs each, {seconds / count:.2f} s per input", file=sys.stderr)


def sigmoid(x):
    return 1 / (1 + np.exp(-x.astype(np.float64)))


def region_form(raw, region, shape):
    """cnnswift's raw output of the convolution before a [region] layer, N × (C·H·W), in darknet's region form."""
    num, classes = int(region.get("num", 1)), int(region.get("classes", 20))
    coords = int(region.get("coords", 4))
    if coords != 4 or region.get("background", "0") != "0" or "tree" in region or "map" in region:
        sys.exit("compare: only [region] with coords=4, no background, no tree or map")
    entries = coords + 1 + classes
    channels, height, width = shape
    if channels != num * entries:
        sys.exit(f"compare: the region's input has {channels} channels, num × entries is {num * entries}")
    x = raw.astype(np.float64).reshape(raw.shape[0], num, entries, height * width)
    y = x.copy()
    y[:, :, 0:2] = sigmoid(x[:, :, 0:2])
    y[:, :, coords] = sigmoid(x[:, :, coords])
    scores = x[:, :, coords + 1:]
    if region.get("softmax", "0") == "1":
        e = np.exp(scores - scores.max(axis=2, keepdims=True))
        y[:, :, coords + 1:] = e / e.sum(axis=2, keepdims=True)
    else:
        y[:, :, coords + 1:] = sigmoid(scores)
    return y.reshape(raw.shape[0], -1)


def output_shape(cfg):
    """The C×H×W shape of the last weighted or pooling layer's output, for the sections these cfgs use."""
    all_sections = sections(cfg)
    net = options(all_sections[0])
    c, h, w = int(net["channels"]), int(net["height"]), int(net["width"])
    for section in all_sections[1:]:
        kind, values = section[0], options(section)
        if kind in ("convolutional", "conv"):
            size, stride = int(values.get("size", 1)), int(values.get("stride", 1))
            pad = size // 2 if values.get("pad", "0") == "1" else int(values.get("padding", 0))
            c = int(values["filters"])
            h, w = (h + 2 * pad - size) // stride + 1, (w + 2 * pad - size) // stride + 1
        elif kind in ("maxpool", "max"):
            stride = int(values.get("stride", 1))
            size = int(values.get("size", stride))
            padding = int(values.get("padding", size - 1))
            h, w = (h + padding - size) // stride + 1, (w + padding - size) // stride + 1
    return c, h, w


def compare(args):
    all_sections = sections(args.cfg)
    darknet = np.load(args.darknet).astype(np.float64)
    ours = np.load(args.cnnswift)
    ours = ours.reshape(ours.shape[0], -1)
    form = "raw"
    if all_sections[-1][0] == "region":
        ours = region_form(ours, options(all_sections[-1]), output_shape(args.cfg))
        form = "region"
    ours = ours.astype(np.float64)
    if ours.shape != darknet.shape:
        print(f"| {args.label} | shapes differ: cnnswift {ours.shape}, darknet {darknet.shape} | | | miss |")
        return 1
    diff = np.abs(ours - darknet).max(axis=1)
    scale = np.abs(darknet).max(axis=1)
    relative = diff / np.maximum(scale, np.finfo(np.float64).tiny)
    worst = int(relative.argmax())
    ok = bool(np.all(np.isfinite(ours))) and bool(np.all(np.isfinite(darknet))) and relative.max() <= args.tolerance
    print(f"| {args.label} | {ours.shape[0]} × {ours.shape[1]:,} ({form}) | {relative.max():.2e} | "
          f"{diff[worst]:.3e} / {scale[worst]:.3e} | {args.tolerance:g} | {'ok' if ok else 'MISS'} |")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("cut")
    p.add_argument("cfg")
    p.add_argument("layers", type=int)
    p.add_argument("out")
    p.add_argument("--width", type=int)
    p.add_argument("--height", type=int)
    p = sub.add_parser("inputs")
    p.add_argument("out")
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--size", default="3,416,416")
    p = sub.add_parser("perturb")
    p.add_argument("cfg")
    p.add_argument("weights")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("darknet")
    for name in ("--libdarknet", "--cfg", "--weights", "--data", "--out"):
        p.add_argument(name, required=True)
    p = sub.add_parser("compare")
    for name in ("--cfg", "--darknet", "--cnnswift", "--label"):
        p.add_argument(name, required=True)
    p.add_argument("--tolerance", type=float, default=1e-3)
    args = parser.parse_args()
    handler = {"cut": cut, "inputs": inputs, "perturb": perturb, "darknet": run_darknet, "compare": compare}
    sys.exit(handler[args.command](args) or 0)


if __name__ == "__main__":
    main()
