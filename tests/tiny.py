"""The small scenario most CLI, batch and file tests render: 6 steps at 320×180.

Small enough that a render takes a fraction of a second, large enough that
ffmpeg, the palette and every panel are exercised. Without a description the
text keeps a fixed layout (title on line 1, steps on 2, the gradient on 5),
which tests of error lines rely on.
"""

from __future__ import annotations

STEPS, WIDTH, HEIGHT = 6, 320, 180


def tiny_scenario(
    title: str = "Tiny",
    value: float = 1.0,
    steps: int = STEPS,
    description: str | None = None,
) -> str:
    """YAML for one parameter whose gradients are ``value`` plus noise of 0.2."""
    about = f"description: {description}\n" if description is not None else ""
    return (
        f"title: {title}\n{about}steps: {steps}\n"
        "parameters:\n"
        "  - name: w\n"
        f"    gradient: {{pattern: constant, value: {value}, noise: 0.2}}\n"
        f"render: {{width: {WIDTH}, height: {HEIGHT}}}\n"
    )
