"""PyTorch's side of check-onnx-interop.sh's training step: does a model PyTorch exported train on in
cnnswift as it trains on in PyTorch?

  onnx_training.py torch-export DIR   # the models, their training batches and PyTorch's training
  onnx_training.py compare DIR        # PyTorch's figures against those cnnswift wrote (ONNXTrainingFiles)

Each model is exported with torch.onnx.export(training=TrainingMode.TRAINING), which keeps batch
normalization as its own operator (an eval-mode export folds it into the convolution before it,
so the model would train without it). Then PyTorch trains it for STEPS steps of SGD (lr 0.05, momentum 0.9,
no weight decay, mean cross-entropy) on fixed batches, and records each step's loss and, in eval mode,
the trained model's outputs on held-out inputs. cnnswift does the same from the .onnx file; compare
prints the largest differences and exits 1 when one is over 1e-4. onnxruntime also runs the model
cnnswift exported after training (its eval outputs must match PyTorch's too).

Files are raw little-endian float32 (labels as float32 class numbers).
"""

import os
import sys

import numpy as np
import torch
from torch import nn

STEPS = 3
BATCH = 16
TOLERANCE = 1e-4


def save(array, path):
    np.asarray(array, dtype="<f4").tofile(path)


def models():
    """Two classifiers built as PyTorch users build them, with batch normalization and a residual add."""

    class LeNetBN(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
            self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 10))

        def forward(self, x):
            return self.classifier(self.features(x))

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
            self.branch = nn.Sequential(
                nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8))
            self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5))

        def forward(self, x):
            y = self.stem(x)
            return self.head(torch.relu(y + self.branch(y)))

    return {"lenet-bn": (LeNetBN(), (1, 28, 28), 10), "residual": (Residual(), (3, 16, 16), 5)}


def start_from_file(model, path):
    import onnx
    from onnx import numpy_helper

    stored = {tensor.name: numpy_helper.to_array(tensor) for tensor in onnx.load(path).graph.initializer}
    state = model.state_dict()
    for key in state:
        if key in stored:
            state[key] = torch.from_numpy(stored[key].copy())
    model.load_state_dict(state)


def torch_export(folder):
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(0)
    generator = np.random.default_rng(7)
    for name, (model, shape, classes) in models().items():
        stem = os.path.join(folder, f"torch-train-{name}")
        inputs = generator.standard_normal((STEPS * BATCH,) + shape).astype("float32")
        labels = generator.integers(0, classes, STEPS * BATCH)
        tests = generator.standard_normal((8,) + shape).astype("float32")
        example = torch.from_numpy(inputs[:BATCH])
        model.train()
        torch.onnx.export(
            model, (example,), stem + ".onnx", dynamo=False, training=torch.onnx.TrainingMode.TRAINING,
            do_constant_folding=False, input_names=["input"], output_names=["logits"])
        # Tracing ran the model in training mode, which moved batch normalization's running statistics in the
        # model and in the file alike, not always by the same step: PyTorch starts from the file's values.
        start_from_file(model, stem + ".onnx")
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=0)
        losses = []
        for step in range(STEPS):
            window = slice(step * BATCH, (step + 1) * BATCH)
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(
                model(torch.from_numpy(inputs[window])), torch.from_numpy(labels[window]))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            evaluated = model(torch.from_numpy(tests)).numpy()
        save(inputs, stem + ".input.f32")
        save(labels, stem + ".labels.f32")
        save(tests, stem + ".test.f32")
        save(losses, stem + ".losses.torch.f32")
        save(evaluated, stem + ".eval.torch.f32")
        print(f"{name}: PyTorch's losses {', '.join(f'{x:.6f}' for x in losses)}")


def compare(folder):
    import onnxruntime

    failures = 0
    print(f"{'model':<10} {'figure':<44} {'max |difference|':>16}  target")
    for name in models():
        stem = os.path.join(folder, f"torch-train-{name}")
        read = lambda suffix: np.fromfile(stem + suffix, dtype="<f4")
        expected = read(".eval.torch.f32")
        session = onnxruntime.InferenceSession(stem + ".trained.onnx", providers=["CPUExecutionProvider"])
        tests = read(".test.f32").reshape((8,) + tuple(session.get_inputs()[0].shape[1:]))
        exported = session.run(None, {session.get_inputs()[0].name: tests})[0].ravel()
        rows = [
            (f"loss of each of {STEPS} steps", read(".losses.cnnswift.f32"), read(".losses.torch.f32")),
            ("eval outputs after training (cnnswift)", read(".eval.cnnswift.f32"), expected),
            ("eval outputs of its export (onnxruntime)", exported, expected),
        ]
        for figure, ours, theirs in rows:
            difference = float(np.max(np.abs(ours - theirs))) if ours.shape == theirs.shape else float("inf")
            verdict = "ok" if difference <= TOLERANCE else "OVER"
            failures += verdict != "ok"
            print(f"{name:<10} {figure:<44} {difference:16.3e}  {TOLERANCE:.0e} {verdict}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    torch.set_num_threads(1)
    {"torch-export": torch_export, "compare": compare}[sys.argv[1]](sys.argv[2])
