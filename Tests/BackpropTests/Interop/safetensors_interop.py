"""Checks Backprop's safetensors files against the Python `safetensors` package.

    python3 safetensors_interop.py check MODEL.safetensors CASE.json
        loads the model with safetensors.numpy, runs it forward in numpy on the
        inputs in CASE.json and prints the largest difference from the
        predictions Backprop stored there.
    python3 safetensors_interop.py write MODEL.safetensors CASE.json DTYPE
        writes a model from numpy (random weights, architecture in the
        metadata) and CASE.json with inputs and numpy's predictions.
"""
import json
import sys

import numpy as np
from math import erf
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

ACT = {
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "linear": lambda z: z,
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
    "gelu": lambda z: z * (1 + np.vectorize(erf)(z / np.sqrt(2))) / 2,
    "softplus": lambda z: np.logaddexp(0, z),
    "swish": lambda z: z / (1 + np.exp(-z)),
    "sine": np.sin,
}


def head(name, z):
    if name == "sigmoid_bce":
        return 1 / (1 + np.exp(-z))
    if name == "softmax_ce":
        e = np.exp(z - z.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)
    if name == "tanh_mse":
        return np.tanh(z)
    return z


def forward(tensors, arch, x):
    a = x
    n = len(arch["hidden"]) + 1
    for i in range(n):
        z = a @ tensors[f"layers.{i}.weight"].T + tensors[f"layers.{i}.bias"]
        a = ACT[arch["hidden"][i]["activation"]](z) if i < n - 1 else head(arch["head"], z)
    return a


def check(model, case):
    tensors = load_file(model)
    with safe_open(model, framework="numpy") as f:
        arch = json.loads(f.metadata()["backprop.architecture"])
    c = json.load(open(case))
    x = np.array(c["x"], dtype=np.float64)
    want = np.array(c["predictions"], dtype=np.float64)
    got = forward({k: v.astype(np.float64) for k, v in tensors.items()}, arch, x)
    print(json.dumps({"max_difference": float(np.abs(got - want).max()),
                      "dtypes": sorted({str(v.dtype) for v in tensors.values()}),
                      "shapes": {k: list(v.shape) for k, v in tensors.items()}}))


def write(model, case, dtype):
    rng = np.random.default_rng(7)
    arch = {"inputs": 3, "hidden": [{"units": 5, "activation": "tanh"}, {"units": 4, "activation": "relu"}],
            "outputs": 3, "head": "softmax_ce"}
    sizes = [3, 5, 4, 3]
    dt = np.float32 if dtype == "F32" else np.float64
    tensors = {}
    for i in range(3):
        tensors[f"layers.{i}.weight"] = rng.normal(size=(sizes[i + 1], sizes[i])).astype(dt)
        tensors[f"layers.{i}.bias"] = rng.normal(size=(sizes[i + 1],)).astype(dt)
    save_file(tensors, model, metadata={"backprop.architecture": json.dumps(arch)})
    x = rng.normal(size=(6, 3))
    pred = forward({k: v.astype(np.float64) for k, v in tensors.items()}, arch, x)
    json.dump({"x": x.tolist(), "predictions": pred.tolist()}, open(case, "w"))


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        write(sys.argv[2], sys.argv[3], sys.argv[4])
