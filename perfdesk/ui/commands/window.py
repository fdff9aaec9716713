"""What a menu command needs of the window, and nothing more.

The commands in this package take any object with these few attributes
(the main window is one), so they never import `main_window`, which imports
them. Data is reached only through `ops`: `ops.read` to look, `ops.run` for
one edit, `ops.run_long` / `ops.run_long_edit` for long work in a worker.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu, QWidget

    from perfdesk.store.database import Database
    from perfdesk.ui.ops import Operations
    from perfdesk.ui.plan.tab import PlanTab
    from perfdesk.ui.settings import Settings


class Window(Protocol):
    ops: Operations | None
    settings: Settings
    log_path: Path | None
    recent_menu: QMenu

    @property
    def widget(self) -> QWidget:
        """The parent for the questions and dialogs a command shows."""
        ...

    @property
    def today(self) -> dt.date: ...

    def show_status(self, text: str, ms: int = 10000) -> None:
        """A passing message in the status bar."""
        ...

    # the database shown
    def set_database(self, db: Database) -> None: ...

    def release_database(self) -> None:
        """Save what is being typed and let go of the file (before it is replaced)."""
        ...

    def save_typing(self) -> None: ...

    def update_conflicts(self) -> None: ...

    def show_user(self) -> None: ...

    # the plan tabs
    def build_tabs(self, select_plan: str | None = None) -> None: ...

    def current_plan_tab(self) -> PlanTab | None: ...

    def built_plan_tabs(self) -> list[PlanTab]: ...

    def close(self) -> bool: ...
