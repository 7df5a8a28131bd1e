"""Writes the .npy fixtures of `bin/jdnn run`'s tests (cli/src/test/resources/fixtures/npy) with NumPy's own np.save.

    python3 cli/src/test/python/make_npy_fixtures.py

residual_input.npy: 3 images for core's residual ONNX fixtures (float32, 3 x 1 x 28 x 28, standard normal, seed 17);
the others are the same images in forms `run` refuses: float64, big-endian float32, Fortran order.
"""
import os

import numpy as np

folder = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "npy")
os.makedirs(folder, exist_ok=True)
x = np.random.default_rng(17).standard_normal((3, 1, 28, 28)).astype(np.float32)
np.save(os.path.join(folder, "residual_input.npy"), x)
np.save(os.path.join(folder, "float64.npy"), x.astype(np.float64))
np.save(os.path.join(folder, "big_endian.npy"), x.astype(">f4"))
np.save(os.path.join(folder, "fortran.npy"), np.asfortranarray(x))
