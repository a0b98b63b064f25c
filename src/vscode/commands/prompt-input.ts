import * as vscode from 'vscode';
import { MAX_PROMPT_LENGTH } from '../../protocol/run-request';

export type PromptInputResult = { readonly kind: 'prompt'; readonly value: string } | { readonly kind: 'multiline'; readonly value: string } | undefined;

export function validatePrompt(value: string): string | undefined {
  if (value.trim() === '') return 'Describe the change you want, e.g. "Add input validation to all POST endpoints".';
  if (value.length > MAX_PROMPT_LENGTH) return `A prompt can be at most ${MAX_PROMPT_LENGTH} characters.`;
  return undefined;
}

export interface PromptInputOptions {
  readonly title: string;
  readonly offlineOnly: boolean;
  readonly offlineExample: string;
  readonly value?: string;
}

const MULTILINE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('note'), tooltip: 'Write a longer, multi-line prompt in the Tiny Backspace panel' };

/**
 * The one-line prompt box, with a title-bar button that moves what was typed to the panel's multi-line
 * prompt form (the panel keeps it; Ctrl+Enter runs it). Without a model provider the box says so and
 * suggests a prompt the offline agent can do.
 */
export function showPromptInput(options: PromptInputOptions): Promise<PromptInputResult> {
  const input = vscode.window.createInputBox();
  input.title = options.title;
  input.prompt = options.offlineOnly
    ? 'No API key or local model is set up, so the offline agent runs: it does mechanical edits (replace, add, append, delete, rename). Run "Tiny Backspace: Set API Key" for anything else.'
    : 'What should change? The agent edits a fresh clone in a sandbox; nothing is pushed before you review it.';
  input.placeholder = options.offlineOnly ? `e.g. ${options.offlineExample}` : 'e.g. Add input validation to all POST endpoints';
  input.value = options.value ?? '';
  input.ignoreFocusOut = true;
  input.buttons = [MULTILINE_BUTTON];
  return new Promise<PromptInputResult>((resolve) => {
    let settled = false;
    const finish = (result: PromptInputResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
      input.dispose();
    };
    input.onDidChangeValue((value) => {
      input.validationMessage = value === '' ? undefined : validatePrompt(value);
    });
    input.onDidTriggerButton(() => finish({ kind: 'multiline', value: input.value }));
    input.onDidAccept(() => {
      const problem = validatePrompt(input.value);
      if (problem) {
        input.validationMessage = problem;
        return;
      }
      finish({ kind: 'prompt', value: input.value });
    });
    input.onDidHide(() => finish(undefined));
    input.show();
  });
}
