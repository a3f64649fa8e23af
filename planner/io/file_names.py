"""File names made from data (a plan's name): one safe name, never a path."""

from __future__ import annotations

import re
import unicodedata

#: Characters no file name may hold on Windows, macOS or Linux, and control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 120


def safe_file_name(name: str, suffix: str = "", fallback: str = "plan") -> str:
    """`name` as a single file name in any folder: path separators, '..', control and
    reserved characters become '_' or go; leading dots and trailing dots and spaces go;
    Windows device names get a '_'; long names are cut. An empty result is `fallback`.
    `suffix` ('.pdf') is added unless the name already ends with it."""
    stem = unicodedata.normalize("NFC", name)
    if suffix and stem.lower().endswith(suffix.lower()):
        stem = stem[: -len(suffix)]
    stem = _UNSAFE.sub("_", stem)
    stem = re.sub(r"\.{2,}", ".", stem)  # no '..' anywhere
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    stem = stem[:MAX_STEM].rstrip(" .")
    if not stem or set(stem) <= {"_"}:
        stem = fallback
    return stem + suffix
