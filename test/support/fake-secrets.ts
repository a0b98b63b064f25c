// Token-shaped values for redaction tests. Each is assembled at run time so the source never holds a
// string that secret scanners (rightly) flag; none of them is, or ever was, a real credential.
const fake = (prefix: string, body: string): string => `${prefix}${body}`;

export const FAKE_GITHUB_TOKEN = fake('ghp_', 'abcdefghijklmnopqrstuvwxyz0123456789');
export const FAKE_ANTHROPIC_KEY = fake('sk-ant-', 'test-0123456789abcdef');
export const FAKE_E2B_ADAPTER_GITHUB_TOKEN = fake('ghp_', 'e2bAdapterTestTokenMustNotLeak000000');
export const FAKE_E2B_ADAPTER_ANTHROPIC_KEY = fake('sk-ant-', 'e2bAdapterTestKeyMustNotLeak0000');
export const FAKE_E2B_PIPELINE_ANTHROPIC_KEY = fake('sk-ant-', 'e2bPipelineTestKeyMustNotLeak000');
// Vendor shapes the scrubber must catch in repository content (issue 11).
export const FAKE_OPENAI_PROJECT_KEY = fake('sk-proj-', 'FAKE0TEST0ONLY0NOT0A0REAL0KEYFAKE0');
export const FAKE_GITHUB_PAT = fake('github_pat_', 'FAKE0TEST0ONLY0NOT0A0REAL0KEYF_FAKE0TEST0ONLY0NOT0A0REAL0KEYFAKE0TEST0O');
export const FAKE_AWS_ACCESS_KEY_ID = fake('AKIA', 'FAKE0TEST0KEY000');
export const FAKE_SLACK_TOKEN = fake('xoxb-', '0000000000-0000000000-FAKE0TEST0ONLY0KEY');
export const FAKE_GITLAB_TOKEN = fake('glpat-', 'FAKE0TEST0ONLY0NOT0A');
export const FAKE_GOOGLE_API_KEY = fake('AIza', 'FAKE0TEST0ONLY0NOT0A0REAL0KEYFAKE0T');
export const FAKE_STRIPE_KEY = fake('sk_live_', 'FAKE0TEST0ONLY0NOT0A0RE');
// Obviously fake values for isolation tests: any shape works there, the tests look for the exact value.
export const FAKE_STRIPE_RESTRICTED_KEY = fake('rk_live_', 'FAKE0TEST0ONLY0STRIPE0KEY');
export const FAKE_BWRAP_TOKEN = fake('ghp_', 'FAKE0bwrapTestTokenMustNotLeak00000');
export const FAKE_BWRAP_PARENT_TOKEN = fake('ghp_', 'FAKE0bwrapParentTokenMustNotLeak000');
export const FAKE_BWRAP_PARENT_ANTHROPIC_KEY = fake('sk-ant-', 'FAKE0bwrapParentKeyMustNotLeak00');
export const FAKE_E2B_ADAPTER_OPENAI_KEY = fake('sk-', 'FAKE0e2bAdapterTestOpenAiKeyMustNotLeak');
export const FAKE_E2B_PIPELINE_OPENAI_KEY = fake('sk-', 'FAKE0e2bPipelineTestOpenAiKeyMustNotLeak');
