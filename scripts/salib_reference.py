# Regenerates the reference values in src/experiments/{sensitivity,morris}.rs tests (run once by hand:
# `pip install SALib==1.6.0; python3 scripts/salib_reference.py`; the tests do not need Python).
# Reference values for crossroads' Sobol (Saltelli 2010 / Jansen) and Morris estimators from SALib 1.6.
import numpy as np
from SALib.analyze import sobol, morris

def lcg(state):
    state = (1664525 * state + 1013904223) % 2**32
    return state, state / 2**32

def f(x):
    return 4.0 * x[0] + 2.0 * x[1] * x[1] + 3.0 * x[0] * x[2]

k, n = 3, 64
st = 12345
A, B = [], []
for j in range(n):
    a, b = [], []
    for i in range(k):
        st, u = lcg(st); a.append(u)
    for i in range(k):
        st, u = lcg(st); b.append(u)
    A.append(a); B.append(b)
rows = []
for j in range(n):
    rows.append(A[j])
    for i in range(k):
        r = list(A[j]); r[i] = B[j][i]; rows.append(r)
    rows.append(B[j])
Y = np.array([f(r) for r in rows])
problem = {"num_vars": k, "names": ["x0", "x1", "x2"], "bounds": [[0, 1]] * k}
res = sobol.analyze(problem, Y, calc_second_order=False, num_resamples=10, seed=1)
print("S1", [repr(float(v)) for v in res["S1"]])
print("ST", [repr(float(v)) for v in res["ST"]])

# Morris: r trajectories on a 4-level grid (delta = 2/3), factors moved in order 0..k-1,
# each step +delta if the start level allows it, else -delta.
levels = [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]
delta = 2.0 / 3.0
r = 6
X, moves = [], []
st = 777
for t in range(r):
    x = []
    for i in range(k):
        st, u = lcg(st); x.append(levels[int(u * 4)])
    X.append(list(x))
    mv = []
    for i in range(k):
        step = delta if x[i] + delta <= 1.0 else -delta
        x[i] = x[i] + step
        X.append(list(x))
        mv.append((i, step))
    moves.append(mv)
X = np.array(X)
Ym = np.array([f(row) for row in X])
m = morris.analyze(problem, X, Ym, num_levels=4)
print("mu", [repr(float(v)) for v in m["mu"]])
print("mu_star", [repr(float(v)) for v in m["mu_star"]])
print("sigma", [repr(float(v)) for v in m["sigma"]])

# PAWN (given data, SALib's pawn.analyze with S = 10) for src/experiments/pawn.rs: 500 LCG points in
# [0, 1]^3 (seed 2024) through the Ishigami function (a = 7, b = 0.1) on [-pi, pi]^3.
from SALib.analyze import pawn

def ishigami(u):
    x = [-np.pi + 2 * np.pi * v for v in u]
    return np.sin(x[0]) + 7 * np.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * np.sin(x[0])

st = 2024
Xp = []
for j in range(500):
    r = []
    for i in range(3):
        st, u = lcg(st); r.append(u)
    Xp.append(r)
Xp = np.array(Xp)
Yp = np.array([ishigami(r) for r in Xp])
pr = pawn.analyze(problem, Xp, Yp, S=10)
for i in range(3):
    print("PAWN", [repr(float(pr[k][i])) for k in ["minimum", "mean", "median", "maximum"]])
