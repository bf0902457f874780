"""Docker's wording for durations: "Up 3 seconds", "Exited (0) 2 minutes ago"."""
import time


def duration(seconds: float) -> str:
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    m = s // 60
    if m == 1:
        return "About a minute"
    if m < 60:
        return f"{m} minutes"
    h = round(s / 3600)
    if h == 1:
        return "About an hour"
    if h < 48:
        return f"{h} hours"
    if h < 24 * 7 * 2:
        return f"{h // 24} days"
    if h < 24 * 30 * 2:
        return f"{h // 24 // 7} weeks"
    if h < 24 * 365 * 2:
        return f"{h // 24 // 30} months"
    return f"{h // 24 // 365} years"


def ago(when: float, now: float | None = None) -> str:
    if not when:
        return ""
    return duration((now or time.time()) - when) + " ago"


def status(state: str, exit_code: int, started_at: float, finished_at: float, now: float | None = None,
           health: str = "") -> str:
    now = now or time.time()
    if state == "running":
        suffix = {"starting": " (health: starting)", "healthy": " (healthy)", "unhealthy": " (unhealthy)"}
        return "Up " + duration(now - started_at) + suffix.get(health, "")
    if state == "paused":
        return "Up " + duration(now - started_at) + " (Paused)"
    if state == "exited":
        return f"Exited ({exit_code}) " + ago(finished_at, now)
    if state == "created":
        return "Created"
    if state == "restarting":
        return f"Restarting ({exit_code}) " + ago(finished_at, now)
    return state.capitalize()
