"""Crash safety: a service killed at each step of a flow, a full disk, a dead
shim, log rotation, a killed save/load, an interrupted test run."""
