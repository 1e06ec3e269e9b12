"""The figure's colours."""

# The visual language (DESIGN.md "The picture"): grey lollipops, blue m̂, orange √v̂.
GRADIENT_GREY = "#9a9a9a"
NEWEST_GREY = "#4d4d4d"
MEAN_BLUE = "#1f77b4"
RMS_ORANGE = "#ff7f0e"
RATIO_PURPLE = "#6a3d9a"
STEP_GREEN = "#2ca02c"
THETA_BLACK = "#222222"
REFERENCE_GREY = "#b0b0b0"
