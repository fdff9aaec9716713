"""The action editor: one action's details, progress updates, steps and history."""

from perfdesk.ui.plan.editor.action_editor import ActionEditor

__all__ = ["ActionEditor"]
