"""``python -m sandbox.sink``: the same as ``pagerdrill sink``."""

from sandbox.sink.cli import main

if __name__ == "__main__":
    main()
