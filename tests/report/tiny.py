"""Tiny notebooks for the report tests (a real kernel runs them)."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook


def make_nb(path, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def params_cell(src='config_path = "data/sample/config.yml"'):
    cell = new_code_cell(src)
    cell.metadata["tags"] = ["parameters"]
    return cell


def headline_cell(src):
    cell = new_code_cell(src)
    cell.metadata["tags"] = ["headline"]
    return cell
