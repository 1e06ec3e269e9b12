"""When a colour is dark: one rule for the figure's palette and the gallery's page.

Standard library only, so the gallery can ask without matplotlib (it reads the
paper as ``#rrggbb`` from the manifest).
"""

from __future__ import annotations

from collections.abc import Sequence

#: Paper below this relative luminance is dark: light ink on it, the dark palette.
DARK_BELOW = 0.4


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG's relative luminance (0 black .. 1 white) of red, green, blue in 0..1."""
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
