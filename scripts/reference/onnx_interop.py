"""The PyTorch and onnxruntime side of scripts/check-onnx-interop.sh.

  onnx_interop.py torch-export DIR   exports small PyTorch models with torch.onnx.export(dynamo=False)
                                     as DIR/torch-<name>.onnx, with a fixed input (<stem>.input.f32)
                                     and PyTorch's output (<stem>.out0.torch.f32)
  onnx_interop.py compare DIR        runs every DIR/*.onnx in onnxruntime on its input and prints the
                                     largest difference from cnnswift's outputs (<stem>.out<k>.cnnswift.f32)
                                     and PyTorch's; exits 1 when one is over the tolerance
  onnx_interop.py fidelity-export DIR
                                     exports the fidelity models (PyTorch's LeNet, ResNet-20 and a
                                     MobileNet-style network; see fidelity_models) as DIR/<name>.onnx, with
                                     100 seeded inputs DIR/<name>.in.npy (N×C×H×W float32) and onnxruntime's
                                     outputs DIR/<name>.ort.npy (N×V, as `cnnswift infer --outputs` writes)
  onnx_interop.py fidelity-compare DIR
                                     compares DIR/<name>.out<k>.npy (`cnnswift infer` on k ranks) with
                                     onnxruntime's outputs, and the round trip <name>.onnx → .cnn →
                                     <name>.again.onnx (`cnnswift export`): its initializers bit for bit, its
                                     outputs in onnxruntime; prints the tables, exits 1 when a check fails

Every .f32 file is raw little-endian float32 in row-major order; a model's input shape comes from the
model, the batch from the file's size."""
import glob
import os
import sys

import numpy as np

TOLERANCE = 1e-4


def save(array, path):
    np.ascontiguousarray(array, dtype="<f4").tofile(path)


def torch_models():
    import torch
    from torch import nn

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
            self.classifier = nn.Sequential(
                nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

        def forward(self, x):
            return self.classifier(torch.flatten(self.features(x), 1))

    class Block(nn.Module):
        """A pre-activation basic block (BN and ReLU before each convolution, so the exporter cannot
        fold the first BN into a convolution), its shortcut a 1×1 convolution when the shape changes."""

        def __init__(self, inputs, outputs, stride):
            super().__init__()
            self.bn1 = nn.BatchNorm2d(inputs)
            self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(outputs)
            self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
            self.shortcut = (nn.Conv2d(inputs, outputs, 1, stride, bias=False)
                             if stride != 1 or inputs != outputs else None)

        def forward(self, x):
            out = torch.relu(self.bn1(x))
            shortcut = self.shortcut(out) if self.shortcut is not None else x
            out = self.conv2(torch.relu(self.bn2(self.conv1(out))))
            return out + shortcut

    class ResNetLike(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
            self.blocks = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2))
            self.bn = nn.BatchNorm2d(64)
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            out = torch.relu(self.bn(self.blocks(self.stem(x))))
            out = nn.functional.adaptive_avg_pool2d(out, 1)
            return self.fc(torch.flatten(out, 1))

    class Branching(nn.Module):
        """Zero padding before a convolution, leaky ReLU, concatenation, nearest upsampling, padded
        average pooling, dropout (gone in eval mode) and a per-position softmax."""

        def __init__(self):
            super().__init__()
            self.pad = nn.ZeroPad2d(1)
            self.conv = nn.Conv2d(3, 8, 3)
            self.down = nn.Conv2d(8, 8, 3, stride=2, padding=1)
            self.up = nn.Upsample(scale_factor=2, mode="nearest")
            self.pool = nn.AvgPool2d(3, stride=1, padding=1)
            self.drop = nn.Dropout(0.3)
            self.head = nn.Conv2d(16, 5, 1)

        def forward(self, x):
            a = nn.functional.leaky_relu(self.conv(self.pad(x)), 0.1)
            b = self.up(torch.sigmoid(self.down(a)))
            out = self.pool(torch.cat([a, b], 1))
            return torch.softmax(self.head(self.drop(out)), 1)

    return [("lenet", LeNet(), (1, 28, 28)), ("resnet", ResNetLike(), (3, 32, 32)),
            ("branching", Branching(), (3, 16, 16))]


def torch_export(folder):
    import torch

    torch.manual_seed(0)
    for name, model, shape in torch_models():
        # Running statistics as a trained model has them, not a fresh one's 0 and 1.
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 1.5)
                torch.nn.init.uniform_(module.weight, 0.5, 1.5)
                torch.nn.init.uniform_(module.bias, -0.5, 0.5)
        model.eval()
        x = torch.rand((4,) + shape) * 2 - 1
        stem = os.path.join(folder, f"torch-{name}")
        torch.onnx.export(model, (x,), stem + ".onnx", dynamo=False, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
        save(x.numpy(), stem + ".input.f32")
        with torch.no_grad():
            save(model(x).numpy(), stem + ".out0.torch.f32")
        import onnx
        ops = [node.op_type for node in onnx.load(stem + ".onnx").graph.node]
        counts = {op: ops.count(op) for op in dict.fromkeys(ops)}
        print(f"torch-{name}.onnx: " + ", ".join(f"{op}×{n}" for op, n in counts.items()))


def compare(folder):
    import onnxruntime

    failed = False
    print(f"{'model':<26}{'output':>7}{'shape':>16}  {'ort vs cnnswift':>16}{'torch vs cnnswift':>19}{'ort vs torch':>14}")
    for path in sorted(glob.glob(os.path.join(folder, "*.onnx"))):
        stem = path[:-5]
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        given = session.get_inputs()[0]
        sample = [int(d) for d in given.shape[1:]]
        x = np.fromfile(stem + ".input.f32", dtype="<f4").reshape([-1] + sample)
        outputs = session.run(None, {given.name: x})
        for index, ort in enumerate(outputs):
            ours = np.fromfile(f"{stem}.out{index}.cnnswift.f32", dtype="<f4")
            if ours.size != ort.size:
                print(f"{os.path.basename(path)}: output {index} has {ours.size} values, onnxruntime {ort.size}")
                failed = True
                continue
            ours = ours.reshape(ort.shape)
            ort_diff = float(np.max(np.abs(ort - ours)))
            torch_path = f"{stem}.out{index}.torch.f32"
            torch_diff = ort_torch = "-"
            if os.path.exists(torch_path):
                reference = np.fromfile(torch_path, dtype="<f4").reshape(ort.shape)
                torch_diff = f"{float(np.max(np.abs(reference - ours))):.2e}"
                ort_torch = f"{float(np.max(np.abs(reference - ort))):.2e}"
                failed |= float(torch_diff) > TOLERANCE
            failed |= ort_diff > TOLERANCE
            shape = "×".join(str(d) for d in ort.shape)
            print(f"{os.path.basename(path):<26}{index:>7}{shape:>16}  {ort_diff:>16.2e}{torch_diff:>19}{ort_torch:>14}")
    print(f"tolerance {TOLERANCE:g}: " + ("FAILED" if failed else "all within"))
    return 1 if failed else 0


# The fidelity models: what `cnnswift infer` must reproduce from PyTorch's exports.
FIDELITY_INPUTS = 100


def fidelity_models():
    """(name, model, input shape, torch.onnx.export keywords, seed), each model made after its own seed.

    torch.onnx.export in eval mode (its default, TrainingMode.EVAL) folds each BatchNorm that follows a
    convolution into the convolution's weights and bias, so `resnet20` and `mobilenet` reach cnnswift as
    Conv (with bias) and Relu; `resnet20-bn` and `mobilenet-bn` are the same models (same seeds and weights)
    exported with TrainingMode.PRESERVE, which keeps every BatchNormalization node with its statistics."""
    import torch
    from torch import nn

    class BasicBlock(nn.Module):
        """He et al.'s CIFAR block, conv-BN-ReLU-conv-BN, plus the shortcut, then ReLU; the shortcut is a 1×1
        convolution and BN where the shape changes (option B)."""

        def __init__(self, inputs, outputs, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(outputs)
            self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(outputs)
            self.shortcut = (nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs))
                             if stride != 1 or inputs != outputs else nn.Identity())

        def forward(self, x):
            out = torch.relu(self.bn1(self.conv1(x)))
            return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))

    class ResNet20(nn.Module):
        """ResNet-20 for 3×32×32 inputs: a 16-channel stem, three stages of three blocks (16, 32, 64
        channels, strides 1, 2, 2), global average pooling, 10 classes."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
            blocks, inputs = [], 16
            for outputs, stride in ((16, 1), (32, 2), (64, 2)):
                for index in range(3):
                    blocks.append(BasicBlock(inputs, outputs, stride if index == 0 else 1))
                    inputs = outputs
            self.blocks = nn.Sequential(*blocks)
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            out = nn.functional.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1)
            return self.fc(torch.flatten(out, 1))

    def separable(inputs, outputs, stride):
        """A depthwise separable block: depthwise 3×3 (groups = channels), BN, ReLU; pointwise 1×1, BN, ReLU."""
        return nn.Sequential(
            nn.Conv2d(inputs, inputs, 3, stride, 1, groups=inputs, bias=False), nn.BatchNorm2d(inputs), nn.ReLU(),
            nn.Conv2d(inputs, outputs, 1, bias=False), nn.BatchNorm2d(outputs), nn.ReLU())

    def mobilenet():
        """A small MobileNet for 3×32×32 inputs: a 3×3 stem, six separable blocks (three of stride 2), global
        average pooling, a linear layer to 10 classes."""
        return nn.Sequential(
            nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            separable(16, 32, 1), separable(32, 64, 2), separable(64, 64, 1), separable(64, 128, 2),
            separable(128, 128, 1), separable(128, 256, 2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 10))

    lenet = torch_models()[0][1].__class__
    preserve = {"training": torch.onnx.TrainingMode.PRESERVE}
    made = []
    for seed, (name, make, shape, keywords) in enumerate([
            ("lenet", lenet, (1, 28, 28), {}), ("resnet20", ResNet20, (3, 32, 32), {}),
            ("resnet20-bn", ResNet20, (3, 32, 32), preserve), ("mobilenet", mobilenet, (3, 32, 32), {}),
            ("mobilenet-bn", mobilenet, (3, 32, 32), preserve)]):
        seed = 10 + (seed if name.split("-")[0] == name else seed - 1)  # a -bn model: its pair's weights
        torch.manual_seed(seed)
        model = make()
        calibrate(model, shape)
        made.append((name, model.eval(), shape, keywords, seed))
    return made


def calibrate(model, shape):
    """Gives every BatchNorm a random affine transform and the running statistics of its real inputs over
    random batches (a cumulative average), so that the statistics are far from a fresh model's 0 and 1 and
    the activations stay of order one through all the layers (with statistics drawn at random, 20 layers
    shrink or blow them up, and an absolute tolerance would mean nothing)."""
    import torch

    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for norm in norms:
        torch.nn.init.uniform_(norm.weight, 0.5, 1.5)
        torch.nn.init.uniform_(norm.bias, -0.5, 0.5)
        norm.momentum = None  # a cumulative average of the batches' statistics
        norm.reset_running_stats()
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.rand((32,) + shape) * 2 - 1)
    for norm in norms:
        norm.momentum = 0.1


def ort_session(path, level="all"):
    """onnxruntime on one thread (the CPU provider); its graph optimizations as by default (`all`,
    ORT_ENABLE_ALL) or without the NCHWc layout transformation (`extended`, ORT_ENABLE_EXTENDED)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = {
        "all": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
        "extended": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED}[level]
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def ort_outputs(path, x):
    """Every output of the model at `path` for the batch `x`, flattened per input and placed one after the
    other (N×V), as `cnnswift infer --outputs` writes them."""
    session = ort_session(path)
    outputs = session.run(None, {session.get_inputs()[0].name: x})
    return np.concatenate([o.reshape(len(x), -1) for o in outputs], axis=1)


def fidelity_export(folder):
    import json
    import warnings

    import onnx
    import torch

    # The legacy exporter is the one meant (dynamo=False), and PRESERVE on a model in eval mode is meant too.
    warnings.filterwarnings("ignore", message=".*legacy TorchScript-based ONNX export.*")
    warnings.filterwarnings("ignore", message=".*constant folding be turned off.*")
    names = []
    for name, model, shape, keywords, seed in fidelity_models():
        stem = os.path.join(folder, name)
        x = np.random.default_rng(seed).uniform(-1, 1, (FIDELITY_INPUTS,) + shape).astype("<f4")
        torch.onnx.export(model, (torch.from_numpy(x[:2]),), stem + ".onnx", dynamo=False, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, **keywords)
        np.save(stem + ".in.npy", x)
        reference = ort_outputs(stem + ".onnx", x)
        np.save(stem + ".ort.npy", reference)
        with torch.no_grad():
            torch_diff = float(np.max(np.abs(model(torch.from_numpy(x)).numpy() - reference)))
        ops = [node.op_type for node in onnx.load(stem + ".onnx").graph.node if node.op_type != "Identity"]
        counts = {op: ops.count(op) for op in dict.fromkeys(ops)}
        print(f"{name}.onnx ({'×'.join(map(str, shape))}, {sum(p.numel() for p in model.parameters()):,} parameters;"
              f" outputs up to {float(np.max(np.abs(reference))):.2f}, onnxruntime vs PyTorch {torch_diff:.1e}): "
              + ", ".join(f"{op}×{n}" for op, n in counts.items()))
        names.append(name)
    with open(os.path.join(folder, "fidelity.json"), "w") as manifest:
        json.dump(names, manifest)


def weights_in_use(path):
    """The FLOAT initializers of the ONNX model at `path` in the order the graph's nodes read them (node by
    node, each node's inputs in order), an Identity of an initializer read as that initializer (PyTorch's
    exporter shares equal constants that way): [(operator, name, array)].

    This is how the round trip pairs weights: cnnswift's importer keeps the nodes' order and its exporter
    writes one standard operator per layer with the same inputs (Conv: W, B; BatchNormalization: scale, B,
    mean, var; Gemm: B, C), so the k-th weight read in M.onnx is the k-th read in the file exported back,
    whatever the two files name them; the operator and the shape must match as well. Integer initializers
    (the exporter's Reshape shapes) are the graph's structure, not weights, and are left out."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(path).graph
    tensors = {t.name: t for t in graph.initializer}
    alias = {}
    for node in graph.node:
        if node.op_type == "Identity":
            alias[node.output[0]] = alias.get(node.input[0], node.input[0])
    found = []
    for node in graph.node:
        if node.op_type == "Identity":
            continue
        for name in node.input:
            tensor = tensors.get(alias.get(name, name))
            if tensor is not None and tensor.data_type == onnx.TensorProto.FLOAT:
                found.append((node.op_type, tensor.name, numpy_helper.to_array(tensor)))
    return found


def fidelity_compare(folder):
    import json

    with open(os.path.join(folder, "fidelity.json")) as manifest:
        names = json.load(manifest)
    failed = False
    print(f"{'model':<14}{'ranks':>6}{'max |diff| vs onnxruntime':>28}{'target':>9}  result")
    for name in names:
        stem = os.path.join(folder, name)
        reference = np.load(stem + ".ort.npy")
        runs = {}
        for ranks in (1, 2):
            path = f"{stem}.out{ranks}.npy"
            if not os.path.exists(path):
                print(f"{name:<14}{ranks:>6}{'no output file':>28}{TOLERANCE:>9g}  FAILED")
                failed = True
                continue
            ours = np.load(path)
            runs[ranks] = ours
            if ours.shape != reference.shape:
                print(f"{name:<14}{ranks:>6}{'shape ' + str(ours.shape):>28}{TOLERANCE:>9g}  FAILED"
                      f" (onnxruntime {reference.shape})")
                failed = True
                continue
            diff = float(np.max(np.abs(ours.astype(np.float64) - reference)))
            ok = diff <= TOLERANCE
            failed |= not ok
            print(f"{name:<14}{ranks:>6}{diff:>28.2e}{TOLERANCE:>9g}  {'ok' if ok else 'FAILED'}")
        if len(runs) == 2 and runs[1].shape == runs[2].shape and not np.array_equal(runs[1].view("<u4"),
                                                                                     runs[2].view("<u4")):
            print(f"{name:<14}: the outputs on 1 and 2 ranks differ (they should be the same bit for bit)")
            failed = True

    print(f"\nround trip M.onnx → cnnswift export --cnn M.cnn → cnnswift export --onnx M2.onnx")
    print(f"{'model':<14}{'weights bit for bit':>21}{'max |diff| M2 vs M (onnxruntime)':>36}{'target':>9}  result")
    for name in names:
        stem = os.path.join(folder, name)
        again = stem + ".again.onnx"
        if not os.path.exists(again):
            print(f"{name:<14}{'no ' + os.path.basename(again):>21}{'-':>36}{TOLERANCE:>9g}  FAILED")
            failed = True
            continue
        original, exported = weights_in_use(stem + ".onnx"), weights_in_use(again)
        equal = 0
        for index, ((op, name0, a), (op2, name2, b)) in enumerate(zip(original, exported)):
            same = op == op2 and a.shape == b.shape and np.array_equal(
                np.ascontiguousarray(a, "<f4").view("<u4"), np.ascontiguousarray(b, "<f4").view("<u4"))
            if same:
                equal += 1
            else:
                print(f"  {name}: weight {index}: {op} {name0} {a.shape} vs {op2} {name2} {b.shape}: not the same")
        weights_ok = equal == len(original) == len(exported)
        x = np.load(stem + ".in.npy")
        diff = float(np.max(np.abs(ort_outputs(again, x).astype(np.float64) - np.load(stem + ".ort.npy"))))
        ok = weights_ok and diff <= TOLERANCE
        failed |= not ok
        count = f"{equal} of {len(original)}" + ("" if len(exported) == len(original) else f" ({len(exported)} in M2)")
        print(f"{name:<14}{count:>21}{diff:>36.2e}{TOLERANCE:>9g}  {'ok' if ok else 'FAILED'}")
    print(f"fidelity (tolerance {TOLERANCE:g}, weights bit for bit): " + ("FAILED" if failed else "all within"))
    return 1 if failed else 0


if __name__ == "__main__":
    commands = {"torch-export": torch_export, "compare": compare, "fidelity-export": fidelity_export,
                "fidelity-compare": fidelity_compare}
    if len(sys.argv) != 3 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]](sys.argv[2]))
