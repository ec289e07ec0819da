"""The darknet side of scripts/check-darknet.sh: darknet itself run through ctypes, and what the check needs
around it. Our own code; darknet (libdarknet.so, its cfgs) is built and given by the user.

  darknet_outputs.py cut CFG LAYERS OUT [--width W --height H]
        writes [net] (width and height replaced when given) and the first LAYERS layer sections of CFG to OUT.
        Darknet numbers every section after [net] from 0, whatever its type, so layers 0 to LAYERS-1.
  darknet_outputs.py inputs OUT.npy --count N --seed S --size C,H,W
        writes N seeded uniform [0, 1) float32 inputs, N×C×H×W (CHW RGB, as darknet's network_predict takes).
  darknet_outputs.py perturb CFG WEIGHTS OUT --seed S
        copies the weights file WEIGHTS of CFG ([convolutional], [maxpool], [route], [upsample], [region],
        [yolo], [cost] sections) to OUT with every bias, batch-norm scale, rolling mean and
        rolling variance redrawn from the seed (cnnswift's seeded weights have biases 0, scales 1, means 0 and
        variances 1, under which the order of those blocks in the file is never tested); the convolution
        weights are kept.
  darknet_outputs.py darknet --libdarknet SO --cfg CFG --weights W --data IN.npy --out OUT.npy
        loads the network with load_network (parse_network_cfg + load_weights), set_batch_network(net, 1),
        runs network_predict on each input (a float* in CHW order) and saves the last layer's output of each,
        N×outputs float32.
  darknet_outputs.py compare --cfg CFG --darknet D.npy --cnnswift C.npy --label TEXT [--tolerance T]
        prints one table row: the largest relative difference over the inputs, and exits 1 when it is over T.
  darknet_outputs.py image OUT.png --width W --height H --seed S [--pixels OUT.npy]
        draws a seeded test picture (gradients, rectangles, ellipses, noise) and writes it as an 8-bit RGB PNG
        encoded here (zlib from the standard library), and its pixels, H×W×3 uint8, to --pixels.
  darknet_outputs.py detect --libdarknet SO --cfg CFG --weights W --image A.png [--image B.png …]
        [--pixels A.npy …] --threshold T [--nms 0.45] --out BOXES.json
        darknet's detection path on each image (load_image_color, letterbox_image, network_predict,
        get_network_boxes, do_nms_sort) and its boxes as JSON rows like `cnnswift detect --json`'s (image,
        classIndex, confidence, x, y, width, height: top-left corner and size in pixels); with --pixels, checks
        that darknet decoded each image to exactly those pixels / 255.
  darknet_outputs.py compare-detections --darknet D.json --cnnswift C.json --label TEXT --threshold T [--nms N]
        prints one table row: darknet's boxes and cnnswift's matched as sets, and exits 1 on a box left
        unmatched that float rounding at the threshold or the NMS limit does not explain.

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
    outputs = []  # each layer's output channels, for [route]
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
        elif kind == "route":
            layers = [int(v) for v in values["layers"].split(",")]
            channels = sum(outputs[v if v >= 0 else len(outputs) + v] for v in layers)
        elif kind in ("maxpool", "max", "upsample", "region", "yolo", "cost"):
            pass
        else:
            sys.exit(f"{cfg}: perturb knows [convolutional], [maxpool], [route], [upsample], [region], [yolo] "
                     f"and [cost], not [{kind}]")
        outputs.append(channels)
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


def png_bytes(pixels):
    """An 8-bit RGB PNG (colour type 2, no interlace, filter 0 on every row, no other chunks) of an H×W×3 uint8
    array: the file format written by hand, zlib from Python's standard library."""
    import struct
    import zlib

    height, width, _ = pixels.shape

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def test_image(args):
    """A seeded test picture: smooth colour gradients, a few filled rectangles and ellipses, and some noise."""
    rng = np.random.default_rng(args.seed)
    height, width = args.height, args.width
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    picture = np.stack([x / width, y / height, 0.5 + 0.5 * np.sin((x + y) / 37.0)], axis=-1) * 160 + 40
    for _ in range(12):
        colour = rng.uniform(0, 255, 3)
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        rx, ry = rng.uniform(width / 30, width / 5), rng.uniform(height / 30, height / 5)
        if rng.random() < 0.5:
            inside = (np.abs(x - cx) < rx) & (np.abs(y - cy) < ry)
        else:
            inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1
        picture[inside] = colour
    picture += rng.normal(0, 8, picture.shape)
    pixels = np.clip(np.rint(picture), 0, 255).astype(np.uint8)
    with open(args.out, "wb") as f:
        f.write(png_bytes(pixels))
    if args.pixels:
        np.save(args.pixels, pixels)


class Image(ctypes.Structure):
    _fields_ = [("w", ctypes.c_int), ("h", ctypes.c_int), ("c", ctypes.c_int), ("data", ctypes.POINTER(ctypes.c_float))]


class Box(ctypes.Structure):
    _fields_ = [("x", ctypes.c_float), ("y", ctypes.c_float), ("w", ctypes.c_float), ("h", ctypes.c_float)]


class Detection(ctypes.Structure):
    _fields_ = [("bbox", Box), ("classes", ctypes.c_int), ("prob", ctypes.POINTER(ctypes.c_float)),
                ("mask", ctypes.POINTER(ctypes.c_float)), ("objectness", ctypes.c_float), ("sort_class", ctypes.c_int)]


def head_classes(cfg):
    heads = [options(section) for section in sections(cfg)[1:] if section[0] in ("region", "yolo")]
    if not heads:
        sys.exit(f"{cfg}: no [region] or [yolo] layer")
    return max(int(head.get("classes", 20)) for head in heads)


def run_darknet_detect(args):
    """Darknet's own detection path (its detector test's), for each image: load_image_color, letterbox_image to
    the network's input, network_predict, get_network_boxes (relative boxes, hier_thresh 0.5, no map),
    do_nms_sort, then every detection and class whose probability is over the threshold, the box in pixels as
    draw_detections computes it before its clamping and int truncation: left = (x − w/2)·image width,
    top = (y − h/2)·image height, width = w·image width, height = h·image height."""
    import json

    lib = ctypes.CDLL(args.libdarknet)
    lib.load_network.restype = ctypes.c_void_p
    lib.load_network.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
    lib.set_batch_network.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.network_width.argtypes = lib.network_height.argtypes = [ctypes.c_void_p]
    lib.load_image_color.restype = Image
    lib.load_image_color.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.letterbox_image.restype = Image
    lib.letterbox_image.argtypes = [Image, ctypes.c_int, ctypes.c_int]
    lib.network_predict.restype = ctypes.POINTER(ctypes.c_float)
    lib.network_predict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)]
    lib.get_network_boxes.restype = ctypes.POINTER(Detection)
    lib.get_network_boxes.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_float, ctypes.c_float,
                                      ctypes.POINTER(ctypes.c_int), ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    lib.do_nms_sort.argtypes = [ctypes.POINTER(Detection), ctypes.c_int, ctypes.c_int, ctypes.c_float]
    lib.free_detections.argtypes = [ctypes.POINTER(Detection), ctypes.c_int]
    lib.free_image.argtypes = [Image]
    lib.free_network.argtypes = [ctypes.c_void_p]

    if args.pixels and len(args.pixels) != len(args.image):
        sys.exit("detect: one --pixels per --image")
    classes = head_classes(args.cfg)
    threshold = float(np.float32(args.threshold))  # darknet compares with the float it is given
    net = lib.load_network(args.cfg.encode(), args.weights.encode(), 0)
    if not net:
        sys.exit(f"darknet could not load {args.cfg}")
    lib.set_batch_network(net, 1)
    width, height = lib.network_width(net), lib.network_height(net)
    rows = []
    for index, path in enumerate(args.image):
        im = lib.load_image_color(path.encode(), 0, 0)
        decoded = ""
        if args.pixels:
            # the image as stb_image decoded it, against the pixels it was written from (CHW, value / 255.)
            expected = (np.load(args.pixels[index]).transpose(2, 0, 1) / 255.0).astype(np.float32)
            got = np.ctypeslib.as_array(im.data, shape=(im.c, im.h, im.w))
            if got.shape != expected.shape or not np.array_equal(got, expected):
                sys.exit(f"darknet decoded {path} to other pixels than it was written from")
            decoded = ", decoded to the pixels written"
        boxed = lib.letterbox_image(im, width, height)
        started = time.perf_counter()
        lib.network_predict(net, boxed.data)
        seconds = time.perf_counter() - started
        count = ctypes.c_int(0)
        dets = lib.get_network_boxes(net, im.w, im.h, args.threshold, 0.5, None, 1, ctypes.byref(count))
        candidates = sum(1 for i in range(count.value) for k in range(classes) if dets[i].prob[k] > threshold)
        lib.do_nms_sort(dets, count.value, classes, args.nms)
        found = []
        for i in range(count.value):
            b = dets[i].bbox
            for k in range(classes):
                prob = dets[i].prob[k]
                if prob > threshold:
                    found.append({"image": path, "classIndex": k, "confidence": prob, "x": (b.x - b.w / 2.0) * im.w,
                                  "y": (b.y - b.h / 2.0) * im.h, "width": b.w * im.w, "height": b.h * im.h})
        found.sort(key=lambda row: -row["confidence"])
        rows += found
        print(f"darknet: {path} {im.w}×{im.h}{decoded}, letterboxed to {width}×{height}: {count.value} "
              f"detections, {candidates} (detection, class) over {args.threshold:g} before NMS, {len(found)} after; "
              f"{seconds:.2f} s for the network", file=sys.stderr)
        lib.free_detections(dets, count.value)
        lib.free_image(boxed)
        lib.free_image(im)
    lib.free_network(net)
    with open(args.out, "w") as f:
        json.dump(rows, f, indent=1)


def pixel_iou(a, b):
    """Intersection over union of two boxes given by top-left corner, width and height."""
    w = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    inter = max(w, 0) * max(h, 0)
    union = a["width"] * a["height"] + b["width"] * b["height"] - inter
    return inter / union if union > 0 else 0


def compare_detections(args):
    """One table row: darknet's boxes against cnnswift detect --json's, as sets per image and class. Each darknet
    box is matched to the nearest unmatched cnnswift box of its image and class whose confidence is within
    --prob-tolerance of darknet's (relative) and whose x, y, w, h are each within --pixels of darknet's, or
    within --prob-tolerance of them relative when that is more (boxes of random weights reach 1e5 pixels).
    A box left unmatched on either side is a miss, unless float rounding can explain it: its confidence within
    --prob-tolerance (relative) of --threshold, or its overlap with a more confident matched box of its class
    within 1e-3 of --nms. Those are counted as edge cases and listed, not failed."""
    import json
    from collections import defaultdict

    keys = ("x", "y", "width", "height")
    darknet = json.load(open(args.darknet))
    ours = json.load(open(args.cnnswift))
    groups = defaultdict(lambda: ([], []))
    for d in darknet:
        groups[(d["image"], d["classIndex"])][0].append(d)
    for c in ours:
        groups[(c["image"], c["classIndex"])][1].append(c)
    matched, worst_prob, worst_small, worst_large, misses, edges = 0, 0.0, 0.0, 0.0, [], []
    limit = args.pixels / args.prob_tolerance  # where the relative allowance takes over from the pixels
    for (image, _), (ds, cs) in groups.items():
        used = [False] * len(cs)
        kept = []  # matched (darknet, cnnswift) pairs
        unmatched_d = []
        for d in ds:
            best = None
            for j, c in enumerate(cs):
                if used[j]:
                    continue
                prob = abs(c["confidence"] - d["confidence"]) / d["confidence"]
                diffs = [abs(c[k] - d[k]) for k in keys]
                if prob > args.prob_tolerance or any(
                        diff > max(args.pixels, args.prob_tolerance * abs(d[k])) for diff, k in zip(diffs, keys)):
                    continue
                if best is None or max(diffs) < best[1]:
                    best = (j, max(diffs), prob, diffs)
            if best is None:
                unmatched_d.append(d)
                continue
            used[best[0]] = True
            kept.append((d, cs[best[0]]))
            matched += 1
            worst_prob = max(worst_prob, best[2])
            for diff, k in zip(best[3], keys):
                if abs(d[k]) <= limit:
                    worst_small = max(worst_small, diff)
                else:
                    worst_large = max(worst_large, diff / abs(d[k]))
        unmatched = [("darknet", d, 0) for d in unmatched_d] + [("cnnswift", c, 1) for j, c in enumerate(cs)
                                                               if not used[j]]
        for side, box, which in unmatched:
            near_threshold = abs(box["confidence"] - args.threshold) <= args.prob_tolerance * args.threshold
            near_nms = any(pair[which]["confidence"] > box["confidence"]
                           and abs(pixel_iou(pair[which], box) - args.nms) <= 1e-3 for pair in kept)
            (edges if near_threshold or near_nms else misses).append((side, box, near_threshold, near_nms))
    for side, box, near_threshold, near_nms in edges:
        why = "confidence at the threshold" if near_threshold else "overlap at the NMS limit"
        print(f"edge case ({why}): a {side} box alone: {box}", file=sys.stderr)
    for side, box, _, _ in misses[:10]:
        print(f"MISS: a {side} box without a match: {box}", file=sys.stderr)
    ok = not misses and matched > 0
    print(f"| {args.label} | {args.threshold:g} | {len(darknet)} | {len(ours)} | {matched} | {len(edges)} | "
          f"{worst_prob:.2e} | {worst_small:.2e} | {worst_large:.2e} | {'ok' if ok else 'MISS'} |")
    return 0 if ok else 1


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
    p = sub.add_parser("image")
    p.add_argument("out")
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=480)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--pixels")
    p = sub.add_parser("detect")
    for name in ("--libdarknet", "--cfg", "--weights", "--out"):
        p.add_argument(name, required=True)
    p.add_argument("--image", action="append", required=True)
    p.add_argument("--pixels", action="append")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--nms", type=float, default=0.45)
    p = sub.add_parser("compare-detections")
    for name in ("--darknet", "--cnnswift", "--label"):
        p.add_argument(name, required=True)
    p.add_argument("--threshold", type=float, required=True)
    p.add_argument("--nms", type=float, default=0.45)
    p.add_argument("--prob-tolerance", type=float, default=1e-3)
    p.add_argument("--pixels", type=float, default=0.5)
    args = parser.parse_args()
    handler = {"cut": cut, "inputs": inputs, "perturb": perturb, "darknet": run_darknet, "compare": compare,
               "image": test_image, "detect": run_darknet_detect, "compare-detections": compare_detections}
    sys.exit(handler[args.command](args) or 0)


if __name__ == "__main__":
    main()
