"""Is a path on a network share? SQLite's locking cannot be trusted there."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs",
                        "fuse.sshfs", "9p", "ncpfs", "davfs", "fuse.davfs2"}


def is_network_path(path: Path) -> bool:
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True  # a UNC path: \\server\share
    if os.name == "nt":
        return _windows_network_drive(path)
    return _mount_type(path.resolve()) in _NETWORK_FILESYSTEMS


def _mount_type(path: Path) -> str:
    try:
        with open("/proc/mounts", encoding="utf-8") as handle:
            mounts = [line.split()[1:3] for line in handle if len(line.split()) >= 3]
    except OSError:
        return ""
    best, kind = "", ""
    for mount_point, fs_type in mounts:
        if (str(path) == mount_point or str(path).startswith(mount_point.rstrip("/") + "/")) \
                and len(mount_point) > len(best):
            best, kind = mount_point, fs_type
    return kind


def _windows_network_drive(path: Path) -> bool:  # pragma: no cover - Windows only
    if sys.platform != "win32":  # the caller asks only on Windows; this tells mypy
        return False
    import ctypes

    drive = Path(path.resolve().anchor)
    return ctypes.windll.kernel32.GetDriveTypeW(str(drive)) == 4  # DRIVE_REMOTE
