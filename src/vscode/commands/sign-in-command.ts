import * as vscode from 'vscode';
import { enterpriseServer } from '../../core/repo/github-hosts';
import { signInToGitHub, type GitHubProviderId } from '../auth/secret-resolution';
import { engineConfigFromSettings } from '../config/settings-config';
import { vscodeSettingsReader } from '../config/vscode-settings';
import type { CommandContext } from './command-context';
import { showCommandError } from './show-error';

/** Sign in to GitHub: VS Code's own GitHub (or GitHub Enterprise) sign-in with the `repo` scope. */
export async function signInCommand(context: CommandContext): Promise<boolean> {
  try {
    const config = engineConfigFromSettings(vscodeSettingsReader(), context.env);
    const enterprise = enterpriseServer(config.github);
    let provider: GitHubProviderId = 'github';
    if (enterprise) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: enterprise.host, description: 'GitHub Enterprise', provider: 'github-enterprise' as const },
          { label: 'github.com', provider: 'github' as const },
        ],
        { title: 'Tiny Backspace: sign in to which GitHub?' },
      );
      if (!picked) return false;
      provider = picked.provider;
    }
    const session = await signInToGitHub(context.secretDeps, provider);
    if (!session) {
      void vscode.window.showWarningMessage(
        provider === 'github-enterprise'
          ? `Tiny Backspace: GitHub Enterprise sign-in did not complete. VS Code signs in to the server named in the "github-enterprise.uri" setting; set it to ${enterprise?.webUrl ?? 'your server'}, or set GITHUB_PAT.`
          : 'Tiny Backspace: GitHub sign-in did not complete. Try again, or set GITHUB_TOKEN or GITHUB_PAT in the environment VS Code starts with.',
      );
      return false;
    }
    context.services.logger.info('signed in to GitHub', { provider });
    void vscode.window.showInformationMessage(`Tiny Backspace: signed in to ${provider === 'github' ? 'GitHub' : enterprise?.host} as ${session.account.label}.`);
    return true;
  } catch (error) {
    await showCommandError(error, context.services.logger, 'Sign in to GitHub');
    return false;
  }
}
