"""The PyTorch and onnxruntime side of scripts/check-onnx-interop.sh.

  onnx_interop.py torch-export DIR   exports small PyTorch models with torch.onnx.export(dynamo=False)
                                     as DIR/torch-<name>.onnx, with a fixed input (<stem>.input.f32)
                                     and PyTorch's output (<stem>.out0.torch.f32)
  onnx_interop.py compare DIR        runs every DIR/*.onnx in onnxruntime on its input and prints the
                                     largest difference from cnnswift's outputs (<stem>.out<k>.cnnswift.f32)
                                     and PyTorch's; exits 1 when one is over the tolerance

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


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("torch-export", "compare"):
        sys.exit(__doc__)
    if sys.argv[1] == "torch-export":
        torch_export(sys.argv[2])
    else:
        sys.exit(compare(sys.argv[2]))
