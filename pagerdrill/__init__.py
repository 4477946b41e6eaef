"""The application: the `pagerdrill` command and what a run produces above the drill
runner (reports, JUnit, JSON, HTML, history, gate, coverage, run SLIs). It composes
the lower packages and nothing below imports it (ARCHITECTURE.md)."""
