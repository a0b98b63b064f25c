import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostRegistrar } from '../host/host-registrar';
import { findTodo, selectionPrompt, todoPrompt, type EditorLocation } from './editor-prompt';

export const PROMPT_FROM_EDITOR_COMMAND = 'tinyBackspace.promptFromEditor';

/** The path shown in the prompt: relative to the workspace folder, forward slashes. */
function locationOf(document: vscode.TextDocument, range: vscode.Range): EditorLocation {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  const relative = folder ? path.relative(folder.uri.fsPath, document.uri.fsPath) : path.basename(document.uri.fsPath);
  return { path: relative.split(path.sep).join('/'), startLine: range.start.line + 1, endLine: range.end.line + 1 };
}

/**
 * "Tiny Backspace: Resolve this TODO in a pull request" on TODO/FIXME comments, and "Change the selection
 * in a pull request" on a selection, as the GitHub Pull Requests extension offers for its coding agent.
 * Both open the panel's prompt form prefilled with the file, the lines and the comment, to edit and run.
 */
export class PromptCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    if (!range.isEmpty) {
      const location = locationOf(document, range);
      const action = new vscode.CodeAction('Tiny Backspace: Change the selection in a pull request…', vscode.CodeActionKind.RefactorRewrite);
      action.command = { command: PROMPT_FROM_EDITOR_COMMAND, title: action.title, arguments: [selectionPrompt(location, document.getText(range))] };
      actions.push(action);
    }
    const line = document.lineAt(range.start.line);
    const todo = findTodo(line.text);
    if (todo) {
      const action = new vscode.CodeAction(`Tiny Backspace: Resolve this ${todo.tag} in a pull request…`, vscode.CodeActionKind.QuickFix);
      action.command = { command: PROMPT_FROM_EDITOR_COMMAND, title: action.title, arguments: [todoPrompt(locationOf(document, line.range), todo)] };
      actions.push(action);
    }
    return actions;
  }
}

/** Registered by the light entry (src/extension.ts), so the lightbulb is there before the engine loads. */
export function registerPromptCodeActionProvider(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new PromptCodeActionProvider(), { providedCodeActionKinds: PromptCodeActionProvider.kinds });
}

/** The command the actions run (and the editor context menu): the panel's prompt form, prefilled. */
export function registerPromptFromEditorCommand(registrar: HostRegistrar, compose: (prompt: string) => void): vscode.Disposable {
  return vscode.Disposable.from(
    registrar.registerCommand(PROMPT_FROM_EDITOR_COMMAND, (prompt?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const draft =
        typeof prompt === 'string'
          ? prompt
          : editor && !editor.selection.isEmpty
            ? selectionPrompt(locationOf(editor.document, editor.selection), editor.document.getText(editor.selection))
            : '';
      compose(draft);
    }),
  );
}
