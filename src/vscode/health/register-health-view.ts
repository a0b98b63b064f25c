import * as vscode from 'vscode';
import { OTEL_SETUP_HINT, otlpEndpointConfigured, tracerProviderRegistered } from '../../core/observability/otel-setup';
import { attachTraceRecorder } from '../../core/observability/trace-recorder';
import type { ExtensionServices } from '../extension-services';
import { HEALTH_VIEW_ID, HealthViewProvider } from './health-view-provider';

/**
 * The health view (`tinyBackspace.health`), the Show Health command, and the trace recorder of this
 * host's registry: every run's events go to `<logUri>/traces/<request_id>.jsonl`, next to the logs the
 * extension's logger writes there, which is what the view's report is computed from.
 */
export function registerHealthView(services: ExtensionServices): vscode.Disposable {
  const logDir = services.context.logUri.fsPath;
  const traces = attachTraceRecorder(services.registry, logDir, {
    onError: (error) => services.logger.warn('A run trace could not be written', { reason: error.message }),
  });
  const provider = new HealthViewProvider({
    extensionUri: services.context.extensionUri,
    registry: services.registry,
    logger: services.logger,
    logDir,
    flushTraces: () => traces.recorder.flush(),
  });
  const subscription = services.registry.subscribe((event) => provider.onRunEvent(event));
  // The pipeline makes OpenTelemetry spans itself when an SDK is registered; warn when one is expected but absent.
  if (otlpEndpointConfigured(process.env) && !tracerProviderRegistered()) services.logger.warn(OTEL_SETUP_HINT);
  const registrations = vscode.Disposable.from(
    services.registrar.registerWebviewViewProvider(HEALTH_VIEW_ID, provider),
    services.registrar.registerCommand('tinyBackspace.showHealth', () => provider.reveal()),
  );
  return new vscode.Disposable(() => {
    subscription.dispose();
    registrations.dispose();
    provider.dispose();
    void traces.dispose();
  });
}
