// Token-shaped values for redaction tests. Each is assembled at run time so the source never holds a
// string that secret scanners (rightly) flag; none of them is, or ever was, a real credential.
const fake = (prefix: string, body: string): string => `${prefix}${body}`;

export const FAKE_GITHUB_TOKEN = fake('ghp_', 'abcdefghijklmnopqrstuvwxyz0123456789');
export const FAKE_ANTHROPIC_KEY = fake('sk-ant-', 'test-0123456789abcdef');
export const FAKE_E2B_ADAPTER_GITHUB_TOKEN = fake('ghp_', 'e2bAdapterTestTokenMustNotLeak000000');
export const FAKE_E2B_ADAPTER_ANTHROPIC_KEY = fake('sk-ant-', 'e2bAdapterTestKeyMustNotLeak0000');
export const FAKE_E2B_PIPELINE_ANTHROPIC_KEY = fake('sk-ant-', 'e2bPipelineTestKeyMustNotLeak000');
