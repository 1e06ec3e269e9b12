"""adamviz: animated visualizations of Adam's adaptive learning rates."""

__version__ = "0.2.0"
