import { createHash } from 'node:crypto';
import type { JsonObject, OpenApiDocument } from './openapi-document';

export interface DocsPage {
  readonly html: string;
  /** Allows exactly the page's one inline stylesheet and nothing else: no scripts, no remote anything. */
  readonly csp: string;
}

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #8884; } h3 { margin-top: 1.75rem; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
pre { padding: 0.75rem; overflow-x: auto; background: #8881; border-radius: 4px; }
.method { display: inline-block; min-width: 4.5rem; font-weight: 700; text-transform: uppercase; }
.get { color: #2a7d2a; } .post { color: #1f5fbf; } .delete { color: #b3261e; }
table { border-collapse: collapse; margin: 0.5rem 0; } td, th { text-align: left; padding: 0.2rem 0.75rem 0.2rem 0; vertical-align: top; }
.description { white-space: pre-line; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function asObject(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** `code` spans in descriptions; everything else stays literal text. */
function inline(value: string): string {
  return escapeHtml(value).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function schemaName(schema: unknown): string {
  const target = text(asObject(schema).$ref);
  const name = target.split('/').pop() ?? '';
  return name === '' ? '' : `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
}

function contentTypes(content: unknown): string {
  return Object.entries(asObject(content))
    .map(([type, media]) => {
      const mediaObject = asObject(media);
      const schema = schemaName(mediaObject.schema) || schemaName(mediaObject['x-sse-data']);
      return `<code>${escapeHtml(type)}</code>${schema ? ` ${schema}` : ''}`;
    })
    .join(', ');
}

function renderOperation(path: string, method: string, operation: JsonObject): string {
  const id = `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
  const security = Array.isArray(operation.security) && operation.security.length === 0 ? ' (no token)' : '';
  const parameters = (Array.isArray(operation.parameters) ? operation.parameters : []).map(asObject);
  const body = asObject(operation.requestBody);
  const responses = Object.entries(asObject(operation.responses)).map(([status, response]) => {
    const value = asObject(response);
    return `<tr><td><code>${escapeHtml(status)}</code></td><td>${inline(text(value.description))}</td><td>${contentTypes(value.content)}</td></tr>`;
  });
  return `<section id="${escapeHtml(id)}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method)}</span> <code>${escapeHtml(path)}</code>${escapeHtml(security)}</h3>
<p><strong>${inline(text(operation.summary))}</strong></p>
${operation.description ? `<p class="description">${inline(text(operation.description))}</p>` : ''}
${
  parameters.length > 0
    ? `<table><tr><th>Parameter</th><th>In</th><th>Description</th></tr>${parameters
        .map((p) => `<tr><td><code>${escapeHtml(text(p.name))}</code></td><td>${escapeHtml(text(p.in))}</td><td>${inline(text(p.description))}</td></tr>`)
        .join('')}</table>`
    : ''
}
${body.content ? `<p>Request body: ${contentTypes(body.content)}</p>` : ''}
<table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>${responses.join('')}</table>
</section>`;
}

/** A readable page built from the OpenAPI document itself, so it says exactly what the server enforces. */
export function renderDocsPage(document: OpenApiDocument): DocsPage {
  const info = asObject(document.info);
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  const index = operations
    .map(({ path, method, operation }) => `<li><span class="method ${escapeHtml(method)}">${escapeHtml(method)}</span> <code>${escapeHtml(path)}</code> ${inline(text(operation.summary))}</li>`)
    .join('\n');
  const schemas = Object.entries(document.components.schemas)
    .map(([name, schema]) => `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3>\n<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`)
    .join('\n');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(text(info.title))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(text(info.title))} <small>v${escapeHtml(text(info.version))}</small></h1>
<p class="description">${inline(text(info.description))}</p>
<h2>Try it</h2>
<pre>curl -N -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
     -d '{"repoUrl":"https://github.com/o/r","prompt":"..."}' http://127.0.0.1:PORT/code</pre>
<h2>Operations</h2>
<ul>
${index}
</ul>
${operations.map(({ path, method, operation }) => renderOperation(path, method, operation)).join('\n')}
<h2>Schemas</h2>
<p>The machine-readable document is <code>GET /openapi.json</code> (token required).</p>
${schemas}
</body>
</html>
`;
  const styleHash = createHash('sha256').update(STYLE, 'utf8').digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  return { html, csp };
}
