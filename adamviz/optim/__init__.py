"""Optimizers as small pure transforms over float64 numpy arrays: "optax in numpy".

numpy alone, so it can be used from a notebook without the rest of adamviz.
"""
