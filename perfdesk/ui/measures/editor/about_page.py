"""What a measure is: its definition (changes kept and shown), source,
owner, baseline, target and tolerance."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain.dates import nice_date
from perfdesk.domain.measures import format_value
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.measures.detail import MeasureDetail
from perfdesk.ui.ops import Operations
from perfdesk.ui.plan.editor.fields import PlainTextField, name

NO_OWNER = "— nobody yet —"


class AboutPage(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.detail: MeasureDetail | None = None
        self.definition = name(PlainTextField(lines=4), "Definition",
                               "How the measure is counted; a change is kept in its history")
        self.source = name(PlainTextField(lines=2), "Source", "Where the figures come from")
        self.owner = name(QComboBox(), "Owner", "Who reports this measure")
        self.numbers = QLabel()
        self.numbers.setWordWrap(True)
        self.numbers.setAccessibleName("Baseline, target and tolerance")
        self.history = name(QTextBrowser(), "Changes to the definition")
        self.history.setMaximumHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        for label, widget in (("&Definition:", self.definition), ("&Source:", self.source),
                              ("&Owner:", self.owner), ("Figures:", self.numbers),
                              ("Definition &history:", self.history)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        self.definition.editingFinished.connect(lambda: self._commit("definition"))
        self.source.editingFinished.connect(lambda: self._commit("source"))
        self.owner.activated.connect(self._commit_owner)

    def load(self, detail: MeasureDetail) -> None:
        self.detail = detail
        row = detail.row
        for widget, text in ((self.definition, detail.definition), (self.source, detail.source)):
            if not widget.hasFocus():
                with QSignalBlocker(widget):
                    widget.setPlainText(text)
            widget.setReadOnly(self.ops.read_only)
        with QSignalBlocker(self.owner):
            self.owner.clear()
            self.owner.addItem(NO_OWNER, None)
            for lead_id, lead_name in detail.leads:
                self.owner.addItem(lead_name, lead_id)
            self.owner.setCurrentIndex(max(self.owner.findData(detail.owner_id), 0))
        self.owner.setEnabled(not self.ops.read_only)
        baseline = format_value(row.baseline, row.unit) or row.baseline_text or "none"
        target = format_value(row.target, row.unit) or row.target_text or "none"
        tolerance = (f"; amber within {format_value(detail.tolerance, row.unit)} of target"
                     if detail.tolerance is not None else "; amber within 10% of target")
        since = f" at {nice_date(row.baseline_date)}" if row.baseline_date else ""
        by = f" by {nice_date(row.target_date)}" if row.target_date else ""
        self.numbers.setText(
            f"Baseline {baseline}{since} · Target {target}{by}{tolerance} · "
            f"{row.polarity.value}, {row.frequency.value}, {row.unit.value}"
        )
        if detail.definition_history:
            lines = "".join(
                f"<p><b>{escape(change.changed_at.strftime('%d %b %Y %H:%M'))}</b> "
                f"{escape(change.author or 'someone')}: “{escape(change.old or '(none)')}” → "
                f"“{escape(change.new or '(none)')}”</p>"
                for change in detail.definition_history
            )
        else:
            lines = "<p><i>The definition has not changed since it was recorded.</i></p>"
        self.history.setHtml(lines)

    def _commit(self, field: str) -> None:
        detail = self.detail
        widget = self.definition if field == "definition" else self.source
        if detail is None or self.ops.read_only:
            return
        value = widget.toPlainText().strip()
        if value == (detail.definition if field == "definition" else detail.source):
            return
        self.ops.run(f"Edit {detail.row.ref} {field}",
                     lambda s: measure_edits.set_measure_field(s, detail.id, field, value))

    def _commit_owner(self) -> None:
        detail = self.detail
        owner = self.owner.currentData()
        if detail is None or owner == detail.owner_id:
            return
        self.ops.run(f"Set {detail.row.ref} owner",
                     lambda s: measure_edits.set_owner(s, detail.id, owner))
