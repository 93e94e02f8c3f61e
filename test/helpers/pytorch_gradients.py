"""Gradients of an MLP's mean loss in PyTorch, for test/fast/float32-pytorch.test.ts.

Reads {sizes, activations, weights, biases, inputs, targets, dtype} as JSON on
stdin (weights per layer as (outputs x inputs) row-major lists, as the
engine stores them) and prints {torch, loss, weightGradients, biasGradients} (torch: its version).
Loss: squared error summed over the outputs, mean over the batch.
"""
import json
import sys

import torch

ACTIVATIONS = {"relu": torch.relu, "identity": lambda z: z, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


def main():
    spec = json.load(sys.stdin)
    dtype = {"float32": torch.float32, "float64": torch.float64}[spec["dtype"]]
    sizes = spec["sizes"]
    batch = len(spec["inputs"]) // sizes[0]
    weights = [torch.tensor(w, dtype=dtype).reshape(sizes[l + 1], sizes[l]).requires_grad_() for l, w in enumerate(spec["weights"])]
    biases = [torch.tensor(b, dtype=dtype).requires_grad_() for b in spec["biases"]]
    a = torch.tensor(spec["inputs"], dtype=dtype).reshape(batch, sizes[0])
    for l, name in enumerate(spec["activations"]):
        a = ACTIVATIONS[name](a @ weights[l].T + biases[l])
    y = torch.tensor(spec["targets"], dtype=dtype).reshape(batch, sizes[-1])
    loss = ((a - y) ** 2).sum(dim=1).mean()
    loss.backward()
    json.dump({
        "torch": torch.__version__,
        "loss": loss.item(),
        "weightGradients": [w.grad.reshape(-1).tolist() for w in weights],
        "biasGradients": [b.grad.tolist() for b in biases],
    }, sys.stdout)


if __name__ == "__main__":
    main()
