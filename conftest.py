"""Root fixtures: the drills plugin collects `*.drill.yaml` files wherever pytest looks."""

pytest_plugins = ["drills.plugin"]
