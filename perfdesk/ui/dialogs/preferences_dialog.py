"""Your preferences: your name, the lead roles you hold, when an action
counts as stale, and the protective marking new print-outs start with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain.text import name_key
from perfdesk.ui.dialogs.form import FormDialog
from perfdesk.ui.models.rows_model import Index
from perfdesk.ui.settings import MARKINGS, Settings

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class LeadChoices(QAbstractListModel):
    """Leads as (id, name) with a tick each; the filter hides, never unticks."""

    def __init__(self, leads: Sequence[tuple[str, str]], checked: Iterable[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all = sorted(leads, key=lambda lead: name_key(lead[1]))
        self._shown = list(self._all)
        self.checked = set(checked)

    def set_filter(self, text: str) -> None:
        words = text.casefold().split()
        self.beginResetModel()
        self._shown = [lead for lead in self._all
                       if all(w in lead[1].casefold() for w in words)]
        self.endResetModel()

    def checked_ids(self) -> list[str]:
        """The ticked leads in name order."""
        return [lead_id for lead_id, _ in self._all if lead_id in self.checked]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        lead_id, name = self._shown[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return name
        if role == Qt.ItemDataRole.CheckStateRole:
            on = lead_id in self.checked
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == ID_ROLE:
            return lead_id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable)

    def setData(self, index: Index, value: object,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        lead_id = self._shown[index.row()][0]
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(lead_id)
        else:
            self.checked.discard(lead_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


class PreferencesDialog(FormDialog):
    def __init__(self, settings: Settings, leads: Sequence[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, "Preferences", width_chars=84)
        self.settings = settings
        known = {lead_id for lead_id, _ in leads}
        # roles not offered here (not in `leads`) are kept as they were
        self._unlisted = [i for i in settings.my_leads if i not in known]

        self.name = self.row(
            "Your &name:", QLineEdit(settings.user_name), "Your name",
            "Used as the author of your updates and changes",
        )
        self._note("Used as the author of your updates and changes.")

        self.leads = LeadChoices(leads, settings.my_leads, self)
        self.find_box = QLineEdit()
        self.find_box.setAccessibleName("Filter lead roles")
        self.find_box.setPlaceholderText("Filter the list")
        self.find_box.setClearButtonEnabled(True)
        self.lead_list = QListView()
        self.lead_list.setAccessibleName("Lead roles you hold")
        self.lead_list.setToolTip("Tick each role you hold: “My actions” shows the actions "
                                  "they lead")
        self.lead_list.setModel(self.leads)
        self.lead_list.setUniformItemSizes(True)
        self.lead_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.lead_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lead_list.setMinimumHeight(self.fontMetrics().lineSpacing() * 9)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.find_box)
        column.addWidget(self.lead_list)
        label = QLabel("The &lead roles you hold:")
        label.setBuddy(self.find_box)
        self.form.addRow(label, box)
        self.chosen = self._note("")

        self.stale = self.row(
            "&Stale after:", QSpinBox(), "Stale after (days)",
            "An open action with no update for longer than this is stale",
        )
        self.stale.setRange(1, 365)
        self.stale.setSuffix(" days")
        self.stale.setValue(min(settings.stale_days, 365))
        self.marking = self.row(
            "Default protective &marking:", QComboBox(), "Default protective marking",
            "The marking new print-outs start with",
        )
        self.marking.addItems(list(MARKINGS))
        self.marking.setCurrentText(settings.default_marking)

        self.find_box.textChanged.connect(self.leads.set_filter)
        self.leads.dataChanged.connect(self._count)
        self.name.textChanged.connect(self.check)
        self._count()
        self.check()

    def _note(self, text: str) -> QLabel:
        note = QLabel(text)
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setEnabled(False)  # drawn in the quieter, disabled colour
        self.form.addRow("", note)
        return note

    def _count(self) -> None:
        n = len(self.leads.checked_ids())
        self.chosen.setText("None chosen: “My actions” will be empty." if n == 0
                            else f"{n} chosen.")

    def missing(self) -> str:
        if not self.name.text().strip():
            return "Enter your name: it is recorded with your updates and changes."
        return ""

    def save(self) -> None:
        self.settings.user_name = self.name.text()
        self.settings.my_leads = [*self.leads.checked_ids(), *self._unlisted]
        self.settings.stale_days = self.stale.value()
        self.settings.default_marking = self.marking.currentText()

    def accept(self) -> None:
        if self.missing():
            self.check()
            return
        self.save()
        super().accept()


def ask_preferences(parent: QWidget | None, settings: Settings,
                    leads: Sequence[tuple[str, str]]) -> bool:
    """Show the preferences; True when they were saved. `leads` are (id, name)."""
    dialog = PreferencesDialog(settings, leads, parent)
    try:
        return dialog.exec() == FormDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
