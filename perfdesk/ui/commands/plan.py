"""Edit and Plan menu commands: each asks what it needs, then makes one
undoable edit through `Operations.run`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from perfdesk.services.actions.rows import action_rows
from perfdesk.services.plans import care as plan_care
from perfdesk.ui import ask
from perfdesk.ui.ops import Done

if TYPE_CHECKING:
    from sqlmodel import Session

    from perfdesk.domain.action_view import ActionRow
    from perfdesk.services.plans.outline import PriorityOutline
    from perfdesk.ui.commands.window import Window
    from perfdesk.ui.plan.tab import PlanTab


def _tab(window: Window) -> PlanTab | None:
    tab = window.current_plan_tab()
    if tab is None:
        ask.inform(window.widget, "Choose a plan", "Open a plan's tab first.")
    return tab


def _row(window: Window) -> tuple[PlanTab, ActionRow] | None:
    tab = _tab(window)
    if tab is None:
        return None
    row = tab.current_row()
    if row is None:
        ask.inform(window.widget, "Choose an action", "Select an action in the list first.")
        return None
    return tab, row


def _priority(window: Window, tab: PlanTab | None) -> PriorityOutline | None:
    chosen = tab.navigator.current() if tab else None
    if tab is not None and chosen is None:
        ask.inform(window.widget, "Choose a priority", "Choose a priority in the list on the left.")
    return chosen


def find(window: Window) -> None:
    tab = _tab(window)
    if tab:
        tab.filters.focus_search()


def clear_filters(window: Window) -> None:
    tab = window.current_plan_tab()
    if tab:
        tab.filters.clear_all()


def add_update(window: Window) -> None:
    chosen = _row(window)
    if chosen:
        chosen[0].editor.add_update()


def add_action(window: Window) -> None:
    tab = _tab(window)
    if tab is None or window.ops is None:
        return
    row = tab.current_row()
    chosen = tab.navigator.current()
    priority_id = chosen.id if chosen else (row.priority_id if row else None)
    if priority_id is None and tab.outline and tab.outline.priorities:
        priority_id = tab.outline.priorities[0].id
    timeframe = row.timeframe if row else None
    added = window.ops.run("Add action", lambda s: plan_care.add_action(
        s, tab.plan_id, priority_id, timeframe))
    if isinstance(added, Done):
        tab.select_action(added.value.id)
        tab.editor.setFocus()


def delete_action(window: Window) -> None:
    chosen = _row(window)
    if chosen is None or window.ops is None:
        return
    row = chosen[1]
    if ask.confirm(window.widget, "Delete action?",
                   f"Delete action {row.ref}? Its updates are kept with it, and Undo "
                   "(Ctrl+Z) brings it back."):
        window.ops.run(f"Delete action {row.ref}",
                       lambda s: plan_care.delete_action(s, row.id))


def move_action(window: Window) -> None:
    from perfdesk.ui.dialogs.plan_dialogs import ask_move

    chosen = _row(window)
    if chosen is None or window.ops is None:
        return
    tab, row = chosen
    if tab.outline is None:
        return
    choices = [(p.id, p.label) for p in tab.outline.priorities]
    answer = ask_move(window.widget, choices, row.priority_id, row.timeframe, row.ref)
    if answer is not None:
        priority_id, timeframe = answer
        window.ops.run(f"Move action {row.ref}",
                       lambda s: plan_care.move_action(s, row.id, priority_id, timeframe))
        tab.select_action(row.id)


def renumber(window: Window) -> None:
    tab = _tab(window)
    if tab is None or window.ops is None:
        return
    renumbered = window.ops.run("Renumber actions",
                                lambda s: plan_care.renumber_actions(s, tab.plan_id))
    if isinstance(renumbered, Done):
        changed = renumbered.value
        window.show_status(
            f"{changed} ref{'s' if changed != 1 else ''} changed" if changed
            else "The refs were already in order", 8000)


def add_priority(window: Window) -> None:
    from perfdesk.ui.dialogs.plan_dialogs import ask_priority

    tab = _tab(window)
    if tab is None or window.ops is None:
        return
    values = ask_priority(window.widget)
    if values is None:
        return

    def add(session: Session) -> object:
        priority = plan_care.add_priority(session, tab.plan_id, values.title, values.kind)
        plan_care.edit_priority(session, priority.id, statement=values.statement,
                                needs_improvement=values.needs_improvement)
        return priority

    window.ops.run(f"Add priority {values.title}", add)


def edit_priority(window: Window) -> None:
    from perfdesk.ui.dialogs.plan_dialogs import PriorityValues, ask_priority

    tab = _tab(window)
    chosen = _priority(window, tab)
    if tab is None or chosen is None or window.ops is None:
        return
    values = ask_priority(window.widget, PriorityValues(
        title=chosen.title, kind=chosen.kind, statement=chosen.statement,
        needs_improvement="\n".join(chosen.needs_improvement)))
    if values is not None:
        window.ops.run(f"Edit priority {chosen.ref}", lambda s: plan_care.edit_priority(
            s, chosen.id, title=values.title, kind=values.kind, statement=values.statement,
            needs_improvement=values.needs_improvement))


def delete_priority(window: Window) -> None:
    tab = _tab(window)
    chosen = _priority(window, tab)
    if tab is None or chosen is None or window.ops is None:
        return
    count = sum(1 for r in tab.model.all_rows() if r.priority_id == chosen.id)
    if ask.confirm(window.widget, "Delete priority?",
                   f"Delete {chosen.kind.lower()} {chosen.label} and its {count} "
                   f"action{'s' if count != 1 else ''}? Undo (Ctrl+Z) brings them all back."):
        window.ops.run(f"Delete priority {chosen.ref}",
                       lambda s: plan_care.delete_priority(s, chosen.id))


def add_outcome(window: Window) -> None:
    from perfdesk.ui.dialogs.plan_dialogs import ask_outcome

    tab = _tab(window)
    if tab is None or window.ops is None or tab.outline is None:
        return
    chosen = tab.navigator.current()
    choices = [(p.id, p.label) for p in tab.outline.priorities]
    values = ask_outcome(window.widget, choices, chosen.id if chosen else None)
    if values is not None:
        window.ops.run("Add outcome statement", lambda s: plan_care.add_outcome(
            s, tab.plan_id, values.priority_id, values.statement))


def manage_leads(window: Window) -> None:
    from perfdesk.ui.dialogs.leads_dialog import show_leads

    if window.ops is not None:
        show_leads(window.ops, window.widget)


def edit_plan(window: Window) -> None:
    from dataclasses import asdict, fields

    from perfdesk.store.schema import Plan
    from perfdesk.ui.dialogs.plan_dialogs import PlanValues, ask_plan_details

    tab = _tab(window)
    if tab is None or window.ops is None:
        return
    plan = window.ops.read(lambda s: s.get(Plan, tab.plan_id))
    current = PlanValues(**{f.name: getattr(plan, f.name) for f in fields(PlanValues)})
    values = ask_plan_details(window.widget, current, today=window.today)
    if values is None:
        return
    before, after = asdict(current), asdict(values)
    changed = {key: value for key, value in after.items() if before[key] != value}
    if changed:
        window.ops.run("Edit plan details",
                       lambda s: plan_care.edit_plan(s, tab.plan_id, **changed))


def new_plan(window: Window) -> None:
    from perfdesk.ui.dialogs.plan_dialogs import ask_new_plan

    if window.ops is None:
        return
    values = ask_new_plan(window.widget, today=window.today)
    if values is None:
        return
    made = window.ops.run(f"New plan {values.short_name}", lambda s: plan_care.create_blank_plan(
        s, values.title, values.short_name, values.period_start, values.period_end,
        organisation=values.organisation, board=values.board))
    if isinstance(made, Done):
        window.build_tabs(made.value.id)


def roll_forward(window: Window) -> None:
    from perfdesk.services.plans.roll_forward import roll_forward as roll
    from perfdesk.ui.dialogs.plan_dialogs import ask_roll_forward

    tab = _tab(window)
    if tab is None or window.ops is None or tab.outline is None:
        return
    today = window.today
    open_count = sum(1 for r in tab.model.all_rows() if not r.status.is_finished)
    values = ask_roll_forward(window.widget, tab.outline, open_count, today=today)
    if values is None:
        return
    author = window.settings.user_name
    rolled = window.ops.run(f"Roll forward {tab.outline.short_name}", lambda s: roll(
        s, tab.plan_id, values.title, values.short_name, values.period_start,
        values.period_end, values.as_at or today, author))
    if isinstance(rolled, Done):
        plan = rolled.value
        window.build_tabs(plan.id)
        carried = window.ops.read(lambda s: len(action_rows(s, plan.id, today)))
        window.show_status(
            f"{values.short_name} started with {carried} carried actions", 10000)
