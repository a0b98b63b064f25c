/**
 * Files that commonly hold credentials. Their content is never sent to a model: they are left out of the
 * repository map, and the agent's read/search/edit tools refuse them whatever the prompt asks.
 * The match is on the path alone, so it costs nothing on large repositories.
 */
const SECRET_BASENAMES: readonly RegExp[] = [
  /^\.env(\..*)?$/i, // .env, .env.local, .env.production, .env.example (examples too: they are often real copies)
  /\.env$/i, // production.env
  /\.(pem|key|p12|pfx|jks|keystore|ppk|kdbx|der|crt|cer|p8|asc|gpg|tfstate|tfvars)$/i,
  /\.tfstate\.backup$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /^(credentials|\.credentials)(\.(json|ya?ml|xml|ini|txt))?$/i,
  /(^|[-_.])credentials?([-_.][^/]*)?\.(json|ya?ml|ini|xml|txt)$/i, // gcp-credentials.json, credentials.prod.yaml
  /^(client_secrets?|service[-_]?account[^/]*)\.json$/i,
  /^secrets?\.(json|ya?ml|toml|ini|env|txt)$/i,
  /^\.(netrc|npmrc|pypirc|git-credentials|htpasswd|pgpass|dockercfg|s3cfg|boto)$/i,
];

const SECRET_DIRECTORIES: readonly string[] = ['.ssh', '.aws', '.gnupg', '.docker', '.azure', '.kube', '.gcloud'];

export function isSecretPath(relativePath: string): boolean {
  const segments = relativePath.split('/');
  const basename = segments[segments.length - 1] ?? '';
  if (SECRET_BASENAMES.some((pattern) => pattern.test(basename))) return true;
  return segments.slice(0, -1).some((segment) => SECRET_DIRECTORIES.includes(segment.toLowerCase()));
}

export const SECRET_FILE_REFUSAL =
  'refused: this file commonly holds credentials (.env*, keys, certificates, credential files), and its content is never sent to a model';
