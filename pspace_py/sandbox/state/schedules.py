"""Settings that act on the clock: auto-shutdown, auto-snapshots, a restore point reverted on
shutdown. Nothing runs in the background: each machine's next due effect is kept in a small
per-team index, and before a team's request is served, `catch_up` applies whatever fell due
since, each effect at the moment it was due (events and snapshots carry that time).

- Auto-shutdown is the sandbox's stand-in for "idle": a machine stops after
  `autoShutdownTimeout` hours of running (since it last became ready), with a `stop` event, or
  `vm-shutdown-force` when `autoShutdownForce` is set.
- Auto-snapshots are taken every hour/day/week/month (30 days) from when they were enabled, with
  `isAutoSnapshot` true; only the newest `autoSnapshotSaveCount` (1 when unset) are kept. A
  catch-up over many periods records only the snapshots still kept.
- A restore point (`restorePointEnabled`, frequency `shutdown`) is reverted when a stop ends: a
  `snapshot-restore` event (the sandbox has no disks to change).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pspace_py.sandbox import store
from pspace_py.sandbox.lifecycle import machine_state
from pspace_py.sandbox.state import events, power
from pspace_py.sandbox.state.kinds import MACHINE, SNAPSHOT
from pspace_py.sandbox.state.tx import Record, Runtime, Tx
from pspace_py.sandbox.teams import Team

_DUE = "schedule:due"  # {machine id: ms of its next effect}
_NEXT = "schedule:next"  # the smallest of those: the one value a request reads
_HOUR_MS = 3_600_000
PERIOD_MS = {
    "hourly": _HOUR_MS,
    "daily": 24 * _HOUR_MS,
    "weekly": 7 * 24 * _HOUR_MS,
    "monthly": 30 * 24 * _HOUR_MS,
}
DEFAULT_SAVE_COUNT = 1  # DO-SNAP: "By default ... 1"
_MAX_EFFECTS = 10_000  # per catch-up; each effect moves its machine's due time forward


def catch_up(database: store.Store, team: Team, now_ms: int, runtime: Runtime) -> None:
    """Apply every effect of the team due by `now_ms` (a read first: usually nothing is due)."""
    with database.read() as conn:
        due = store.get_setting(conn, team.namespace, _NEXT)
    if due is None or due > now_ms:
        return
    with database.write() as conn:
        tx = Tx(conn=conn, team=team, now_ms=now_ms, runtime=runtime)
        for _ in range(_MAX_EFFECTS):
            dues: dict[str, int] = store.get_setting(conn, team.namespace, _DUE) or {}
            if not dues:
                break
            machine_id, at = min(dues.items(), key=lambda item: item[1])
            if at > now_ms:
                break
            machine = tx.lookup(MACHINE, machine_id)
            if machine is None:
                _set_due(tx, machine_id, None)
                continue
            _apply(replace(tx, now_ms=at), machine, now_ms)


def plan(tx: Tx, machine: Record) -> None:
    """Record when the machine's next effect is due (call after every change to it)."""
    due = _next_due(machine)
    if due is not None or machine.get("scheduled"):
        machine["scheduled"] = due is not None
        _set_due(tx, machine["id"], due)


def forget(tx: Tx, machine: Record) -> None:
    if machine.get("scheduled"):
        _set_due(tx, machine["id"], None)


def settings_changed(machine: Record, before: dict[str, Any], now_ms: int) -> None:
    """Auto-snapshots count from when they were enabled."""
    if machine["autoSnapshotEnabled"] and not before.get("autoSnapshotEnabled"):
        machine["autoSnapshotsFrom"] = now_ms


# -- when -----------------------------------------------------------------------------------------


def _next_due(machine: Record) -> int | None:
    candidates = [_shutdown_due(machine), _snapshot_due(machine), _revert_due(machine)]
    due = [moment for moment in candidates if moment is not None]
    return min(due) if due else None


def _shutdown_due(machine: Record) -> int | None:
    hours = machine["autoShutdownTimeout"]
    if not machine["autoShutdownEnabled"] or not hours or machine["state"] != "ready":
        return None
    busy = machine.get("busy")
    if busy is not None and busy["state"] == "stopping":
        return None
    running_since = busy["until"] if busy is not None else machine["dtCreated"]
    return int(running_since + hours * _HOUR_MS)


def _snapshot_due(machine: Record) -> int | None:
    period = PERIOD_MS.get(machine["autoSnapshotFrequency"] or "")
    if not machine["autoSnapshotEnabled"] or period is None or _save_count(machine) == 0:
        return None
    last = machine.get("lastAutoSnapshotMs") or machine.get("autoSnapshotsFrom")
    return int((last or machine["dtCreated"]) + period)


def _revert_due(machine: Record) -> int | None:
    busy = machine.get("busy")
    if (
        not machine["restorePointEnabled"]
        or machine["restorePointFrequency"] != "shutdown"
        or machine["restorePointSnapshotId"] is None
        or busy is None
        or busy["state"] != "stopping"
        or machine["state"] != "off"
        or machine.get("revertedAfter") == busy["eventId"]
    ):
        return None
    return int(busy["until"])


def _save_count(machine: Record) -> int:
    count = machine["autoSnapshotSaveCount"]
    return DEFAULT_SAVE_COUNT if count is None else int(count)


# -- what -----------------------------------------------------------------------------------------


def _apply(tx: Tx, machine: Record, now_ms: int) -> None:
    """The machine's effect due at `tx.now_ms`; snapshots catch up to `now_ms` at once."""
    at = tx.now_ms
    if _revert_due(machine) == at:
        machine["revertedAfter"] = machine["busy"]["eventId"]
        events.start(tx, "snapshot-restore", machine["id"])
    elif _shutdown_due(machine) == at:
        _shut_down(tx, machine)
    elif _snapshot_due(machine) == at:
        _take_auto_snapshots(tx, machine, now_ms)
    due = _next_due(machine)
    # An effect that could not be applied is not tried again until the machine changes.
    machine["scheduled"] = due is not None and due != at
    _set_due(tx, machine["id"], due if machine["scheduled"] else None)
    tx.update(MACHINE, machine)


def _shut_down(tx: Tx, machine: Record) -> None:
    if machine_state(machine, tx.now_ms) == "ready":
        name = "vm-shutdown-force" if machine["autoShutdownForce"] else "stop"
        power.begin_stop(tx, machine, event_name=name)


def _take_auto_snapshots(tx: Tx, machine: Record, now_ms: int) -> None:
    period = PERIOD_MS[machine["autoSnapshotFrequency"]]
    keep = _save_count(machine)
    first = tx.now_ms
    count = (now_ms - first) // period + 1
    moments = [first + step * period for step in range(max(0, count - keep), count)]
    for moment in moments:
        at = replace(tx, now_ms=moment)
        snapshot = {
            "id": tx.new_id(SNAPSHOT, lambda: tx.ids.prefixed("s")),
            "name": f"{machine['name']}-auto-{moment // 1000}",
            "machineId": machine["id"],
            "isAutoSnapshot": True,
            "dtCreated": moment,
        }
        at.insert(SNAPSHOT, snapshot)
        events.start(at, "snapshot-create", machine["id"])
    machine["lastAutoSnapshotMs"] = first + (count - 1) * period
    auto = [s for s in tx.find(SNAPSHOT, machine_id=machine["id"]) if s["isAutoSnapshot"]]
    for old in auto[: max(0, len(auto) - keep)]:  # oldest first
        tx.delete(SNAPSHOT, old["id"])


def _set_due(tx: Tx, machine_id: str, due: int | None) -> None:
    dues: dict[str, int] = store.get_setting(tx.conn, tx.namespace, _DUE) or {}
    if due is None:
        dues.pop(machine_id, None)
    else:
        dues[machine_id] = due
    store.set_setting(tx.conn, tx.namespace, _DUE, dues)
    if dues:
        store.set_setting(tx.conn, tx.namespace, _NEXT, min(dues.values()))
    else:
        store.set_setting(tx.conn, tx.namespace, _NEXT, None)
