"""The store's events in words, English or 简体中文: writing stopped and resumed, a damaged file, failed maintenance.

Part of energymon.event_texts (which dispatches on the kind): each function
takes an event's params and whether the sentence is Chinese. The causes of a
failed write (energymon.store.faults) are codes with their words here
(:data:`CAUSES`), so the English phrase in a detail and the Chinese one come
from one table. A message of SQLite or the operating system that is none of
these causes has no Chinese words: the Chinese sentence shows it as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

Params = Mapping[str, Any]
MiB = 1 << 20

CAUSES = {  # why writing failed (energymon.store.faults) -> (en, zh)
    "disk_full": ("the disk is full", "磁盘已满"),
    "read_only": (
        "the database file is read-only (or on a read-only file system)",
        "数据库文件为只读（或位于只读文件系统上）",
    ),
    "locked": ("another program holds a write lock on the database", "另一个程序持有数据库的写锁"),
    "damaged": ("the database file is damaged", "数据库文件已损坏"),
    "not_a_database": ("the file is damaged or not a database", "文件已损坏或不是数据库"),
    "io_error": ("a disk input/output error", "磁盘输入/输出错误"),
    "cannot_open": ("the database file cannot be opened", "无法打开数据库文件"),
    "no_permission": ("no permission to write the database", "没有写入数据库的权限"),
    "quota": ("the disk quota is used up", "磁盘配额已用完"),
    "file_system_read_only": ("the file system is read-only", "文件系统为只读"),
}


def duration(seconds: Any, zh: bool = False) -> str:
    """``45 s``, ``11 min 5 s``, ``2 h 3 min`` (zh: ``45 秒``, ``11 分 5 秒``, ``2 小时 3 分``)."""
    s = max(0, round(float(seconds)))
    if s < 60:
        return f"{s} 秒" if zh else f"{s} s"
    if s < 3600:
        return f"{s // 60} 分 {s % 60} 秒" if zh else f"{s // 60} min {s % 60} s"
    return f"{s // 3600} 小时 {s % 3600 // 60} 分" if zh else f"{s // 3600} h {s % 3600 // 60} min"


def free_text(free_bytes: int, zh: bool = False) -> str:
    """Free space: ``12 KB free`` below 10 MiB, else ``3.4 GB free`` (zh: 剩余 12 KB)."""
    amount = f"{free_bytes // 1024} KB" if free_bytes < 10 << 20 else f"{free_bytes / (1 << 30):.1f} GB"
    return f"剩余 {amount}" if zh else f"{amount} free"


def cause_text(cause: Params, zh: bool = False) -> str:
    """Why writing failed, from the params of energymon.store.faults.cause_params: ``cause`` (a code of
    :data:`CAUSES`, None if unknown), ``message`` (SQLite's or the system's), ``free_bytes``, ``folder``."""
    code, message, free = cause.get("cause"), str(cause.get("message") or ""), cause.get("free_bytes")
    if code is None:
        return message
    text = CAUSES[code][1 if zh else 0]
    if code == "disk_full" and free is not None:
        if zh:
            return f"{text}（{cause['folder']} {free_text(int(free), True)}）"
        text += f" ({free_text(int(free))} in {cause['folder']})"
    if zh:
        return text
    return f"{text} ({message})" if message and message not in text else text


def utc_text(ts_ms: Any) -> str:
    return datetime.fromtimestamp(int(ts_ms) / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def maintenance_failed(p: Params, zh: bool) -> str:
    """``store_maintenance_failed``: ``message`` (the error), ``cause`` (a code of :data:`CAUSES` or None)."""
    if not zh:
        return str(p["message"])
    code = p.get("cause")
    return "数据库维护（数据压缩、过期数据清理）失败：" + (CAUSES[code][1] if code else str(p["message"]))


def storage_failed(p: Params, zh: bool) -> str:
    """``storage_failed``: the file, the cause, what the spool holds at most, the retry waits."""
    path, cause = p["path"], cause_text(p["cause"], zh)
    memory, spill = int(p["memory_samples"]), int(p["spill_samples"])
    memory_mib, spill_mib = float(p["memory_bytes"]) / MiB, float(p["spill_bytes"]) / MiB
    first, most = float(p["retry_first_s"]), float(p["retry_max_s"])
    if zh:
        return (
            f"{path}：写入中断：{cause}；采集继续，读数暂存（内存中最多 {memory:,} 个样本（{memory_mib:g} MiB），"
            f"溢出文件中最多 {spill:,} 个（{spill_mib:g} MiB）），并重试写入（每 {first:g} 秒，逐次加倍至 {most:g} 秒）"
        )
    return (
        f"{path}: writing stopped: {cause}; collection goes on, readings are held (up to {memory:,} samples "
        f"({memory_mib:g} MiB) in memory and {spill:,} ({spill_mib:g} MiB) in spill files) and writing is retried"
        f" (every {first:g} s, doubling to {most:g} s)"
    )


def storage_resumed(p: Params, zh: bool) -> str:
    """``storage_resumed``: after an outage (how long, written, dropped) or, with ``adopted_samples``, at start
    with what an earlier run kept in spill files."""
    path = p["path"]
    if "adopted_samples" in p:
        n, folder = int(p["adopted_samples"]), p["spill_dir"]
        if zh:
            return f"{path}：上次运行在数据库无法写入时停止，其暂存的 {n:,} 个样本将优先写入（来自 {folder}）"
        return (
            f"{path}: {n:,} samples held by an earlier run that stopped while the database could not be written"
            f" are written first (from {folder})"
        )
    written, dropped, events = int(p["written_samples"]), int(p["dropped_samples"]), int(p["dropped_events"])
    span = (p.get("dropped_from_ms"), p.get("dropped_to_ms"))
    known_span = span[0] is not None and span[1] is not None
    if zh:
        text = f"{path}：中断 {duration(p['outage_s'], True)}后恢复写入；暂存的 {written:,} 个样本已写入"
        if dropped:
            when = f"（读取时间 {utc_text(span[0])} 至 {utc_text(span[1])} UTC）" if known_span else ""
            text += f"；超出暂存上限，最早的 {dropped:,} 个样本被丢弃{when}"
        if events:
            text += f"；最早的 {events:,} 个事件被丢弃"
        return text + ("；溢出文件无法写入" if p.get("spill_problem") else "")
    text = f"{path}: writing again after {duration(p['outage_s'])}; {written:,} samples held and written"
    if dropped:
        when = f", read {utc_text(span[0])} to {utc_text(span[1])} UTC" if known_span else ""
        text += f"; {dropped:,} oldest samples dropped past the spool's bound{when}"
    if events:
        text += f"; {events:,} oldest events dropped"
    return text + (f"; no spill file ({p['spill_problem']})" if p.get("spill_problem") else "")


def database_damaged(p: Params, zh: bool) -> str:
    """``database_damaged``: the file, what ``PRAGMA quick_check`` found (``first``: it stopped at that many)."""
    path, problems, first = p["path"], [str(x) for x in p["problems"]], p.get("first")
    if zh:
        found = f"至少 {int(first)} 处问题（检查到第 {int(first)} 处即停止）" if first else f"{len(problems)} 处问题"
        return (
            f"{path}：数据库文件已损坏：PRAGMA quick_check 发现{found}。"
            f"采集继续；请在方便时复制该文件并修复（sqlite3 '{path}' '.recover'）"
        )
    more = f" (first {int(first)})" if first else ""
    return (
        f"{path}: the database file is damaged: PRAGMA quick_check found{more}: {'; '.join(problems)}. "
        f"Collection goes on; copy the file and repair it (sqlite3 '{path}' '.recover') when convenient"
    )
