"""Fits Float's tanh(x) = x·P(x²)/Q(x²) (P, Q of degree 4, Q(0) = 1) on [0, 9]: iteratively
reweighted linear least squares on the relative error (Lawson-style weights), then checks the
result evaluated in float32 against numpy's float64 tanh in ulps. Prints the coefficients used
in Sources/Backprop/VectorMath.swift (`Float.vtanh`).  Run: python3 scripts/fit_tanh.py"""
import numpy as np

CLAMP = 9.0
xs = np.sort(np.concatenate([np.linspace(1e-4, CLAMP, 20000), np.geomspace(1e-6, 1, 2000)]))
s, f = xs ** 2, np.tanh(xs) / xs


def fit(m, n, iterations=200):
    w = np.ones_like(s)
    for _ in range(iterations):
        a = np.hstack([np.vstack([s ** k for k in range(m + 1)]).T,
                       -(f[:, None] * np.vstack([s ** k for k in range(1, n + 1)]).T)])
        weight = w / f
        sol, *_ = np.linalg.lstsq(a * weight[:, None], f * weight, rcond=None)
        p, q = sol[:m + 1], np.concatenate([[1], sol[m + 1:]])
        err = np.abs(np.polyval(p[::-1], s) / np.polyval(q[::-1], s) / f - 1)
        w = w * (err / err.max()) ** 0.5 + 1e-12
    return p, q, err.max()


p, q, e = fit(4, 4)
print("max relative error of the fit:", e)
print("P:", [float(v) for v in p])
print("Q:", [float(v) for v in q])
x = np.concatenate([np.linspace(-12, 12, 2000001), np.geomspace(1e-30, 1, 100000)]).astype(np.float32)
a = np.minimum(np.abs(x), np.float32(CLAMP))
s32 = a * a
P, Q = np.float32(p[4]), np.float32(q[4])
for k in (3, 2, 1, 0):
    P = (P * s32 + np.float32(p[k])).astype(np.float32)
    Q = (Q * s32 + np.float32(q[k])).astype(np.float32)
r = np.copysign(a * (P / Q), x)
exact = np.tanh(x.astype(np.float64)).astype(np.float32)
ulp = np.maximum(np.spacing(np.abs(exact)).astype(np.float64), np.finfo(np.float32).tiny)
err = np.abs(r.astype(np.float64) - exact) / ulp
print("float32 evaluation: max", err.max(), "ulp at x =", x[err.argmax()])
