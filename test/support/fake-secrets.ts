// Token-shaped values for redaction tests. Each is assembled at run time so the source never holds a
// string that secret scanners (rightly) flag; none of them is, or ever was, a real credential.
const fake = (prefix: string, body: string): string => `${prefix}${body}`;

export const FAKE_GITHUB_TOKEN = fake('ghp_', 'abcdefghijklmnopqrstuvwxyz0123456789');
export const FAKE_ANTHROPIC_KEY = fake('sk-ant-', 'test-0123456789abcdef');
export const FAKE_E2B_ADAPTER_GITHUB_TOKEN = fake('ghp_', 'e2bAdapterTestTokenMustNotLeak000000');
export const FAKE_E2B_ADAPTER_ANTHROPIC_KEY = fake('sk-ant-', 'e2bAdapterTestKeyMustNotLeak0000');
export const FAKE_E2B_PIPELINE_ANTHROPIC_KEY = fake('sk-ant-', 'e2bPipelineTestKeyMustNotLeak000');
// Vendor shapes the scrubber must catch in repository content (issue 11).
export const FAKE_OPENAI_PROJECT_KEY = fake('sk-proj-', 'Zq3vT9xK2mLp8RwY4nB6cD1fH5jG7aE0sU');
export const FAKE_GITHUB_PAT = fake('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789');
export const FAKE_AWS_ACCESS_KEY_ID = fake('AKIA', 'Q3EXAMPLE7TESTKE');
export const FAKE_SLACK_TOKEN = fake('xoxb-', '1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUv');
export const FAKE_GITLAB_TOKEN = fake('glpat-', 'x9Yz8Wv7Ut6Sr5Qp4On3');
export const FAKE_GOOGLE_API_KEY = fake('AIza', 'SyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW');
export const FAKE_STRIPE_KEY = fake('sk_live_', '51Habcdefghijklmnop0123');
