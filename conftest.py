"""Test session set-up shared by unit tests and notebook validation."""

import os

import matplotlib

# Notebook kernels (nbval) inherit this process's environment: keep their inline figures.
os.environ.pop("MPLBACKEND", None)
matplotlib.use("Agg")  # figures in this process (plot unit tests) need no display
